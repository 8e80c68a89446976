#include "resolve/persona_json.h"

#include <fmt/format.h>

namespace impostor {

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

std::string PersonaToJson(const ResolutionResult& result, const Persona& persona) {
  const auto& people = *result.people;
  std::string out = "{\"persona_id\":";
  AppendJsonString(out, persona.id);
  out += fmt::format(",\"size\":{},\"min_link_probability\":{:.6g}", persona.members.size(),
                     persona.min_link_probability);
  out += ",\"members\":[";
  for (size_t i = 0; i < persona.members.size(); ++i) {
    const Person& p = people[persona.members[i]];
    if (i) out.push_back(',');
    out += "{\"record_id\":";
    AppendJsonString(out, p.record_id);
    if (p.source != PersonSource::kUnknown) {
      out += ",\"source\":";
      AppendJsonString(out, PersonSourceName(p.source));
    }
    if (!p.org.empty()) {
      out += ",\"org\":";
      AppendJsonString(out, p.org);
    }
    const std::string name = !p.full_name.empty() ? p.full_name : p.given_name + (p.family_name.empty() ? "" : " " + p.family_name);
    out += ",\"name\":";
    AppendJsonString(out, name);
    out += ",\"file\":";
    AppendJsonString(out, p.source_file);
    out += fmt::format(",\"line\":{}}}", p.source_line);
  }
  out += "],\"shared\":[";
  for (size_t i = 0; i < persona.shared.size(); ++i) {
    const SharedValue& s = persona.shared[i];
    if (i) out.push_back(',');
    out += "{\"field\":";
    AppendJsonString(out, s.field);
    out += ",\"value\":";
    AppendJsonString(out, s.value);
    out += fmt::format(",\"members\":{},\"generic\":{}}}", s.members, s.generic ? "true" : "false");
  }
  out += "],\"links\":[";
  for (size_t i = 0; i < persona.links.size(); ++i) {
    const Link& link = persona.links[i];
    if (i) out.push_back(',');
    out += "{\"a\":";
    AppendJsonString(out, people[link.a].record_id);
    out += ",\"b\":";
    AppendJsonString(out, people[link.b].record_id);
    out += fmt::format(",\"match_weight\":{:.3f},\"probability\":{:.6g},", link.match_weight, link.probability);
    if (link.by_shared_identifiers) out += "\"linked_by\":\"shared_identifiers\",";
    out += "\"comparisons\":[";
    for (size_t j = 0; j < link.comparisons.size(); ++j) {
      const ComparisonOutcome& o = link.comparisons[j];
      const ComparisonModel& m = result.model[o.comparison];
      if (j) out.push_back(',');
      out += "{\"field\":";
      AppendJsonString(out, m.field);
      out += ",\"level\":";
      AppendJsonString(out, m.levels[o.level]);
      out += fmt::format(",\"weight\":{:.3f}", o.weight);
      if (o.tf_adjusted) out += ",\"tf_adjusted\":true";
      if (o.generic) out += ",\"generic\":true";
      out.push_back('}');
    }
    out += "],\"explanation\":";
    AppendJsonString(out, DescribeLink(result, link));
    out.push_back('}');
  }
  out += "]";
  if (!persona.merged_from.empty()) {
    out += ",\"merged_from\":[";
    for (size_t i = 0; i < persona.merged_from.size(); ++i) {
      if (i) out.push_back(',');
      AppendJsonString(out, persona.merged_from[i]);
    }
    out += "]";
  }
  if (!persona.split_from.empty()) {
    out += ",\"split_from\":";
    AppendJsonString(out, persona.split_from);
  }
  if (persona.held_back_links) out += fmt::format(",\"held_back_links\":{}", persona.held_back_links);
  out.push_back('}');
  return out;
}

size_t WritePersonasJsonLines(const ResolutionResult& result, std::ostream& out, size_t min_members) {
  size_t written = 0;
  for (const Persona& persona : result.personas) {
    if (persona.members.size() < min_members) continue;
    out << PersonaToJson(result, persona) << '\n';
    ++written;
  }
  return written;
}

}  // namespace impostor
