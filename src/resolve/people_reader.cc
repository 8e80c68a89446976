#include "resolve/people_reader.h"

#include <simdjson.h>

#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "ingest/input_source.h"
#include "resolve/normalize.h"

namespace impostor {
namespace {

// Field setters by Person field name.
void SetField(Person& p, const std::string& field, std::string value) {
  if (field == "record_id") p.record_id = std::move(value);
  else if (field == "source") p.source = PersonSourceFromName(value);
  else if (field == "org") p.org = std::move(value);
  else if (field == "user") p.user = std::move(value);
  else if (field == "full_name") p.full_name = std::move(value);
  else if (field == "given_name") p.given_name = std::move(value);
  else if (field == "family_name") p.family_name = std::move(value);
  else if (field == "email") p.email = std::move(value);
  else if (field == "phone") {
    size_t i = 0;
    while (i <= value.size()) {
      size_t j = value.find(';', i);
      if (j == std::string::npos) j = value.size();
      std::string_view one = TrimAscii(std::string_view(value).substr(i, j - i));
      if (!one.empty()) p.phones.emplace_back(one);
      i = j + 1;
    }
  } else if (field == "address") p.address = std::move(value);
  else if (field == "city") p.city = std::move(value);
  else if (field == "region") p.region = std::move(value);
  else if (field == "postcode") p.postcode = std::move(value);
  else if (field == "country") p.country = std::move(value);
  else if (field == "ship_to") p.ship_to = std::move(value);
  else if (field == "dob") p.dob = std::move(value);
  else if (field == "national_id") p.national_id = std::move(value);
  else if (field == "bank_account") p.bank_account = std::move(value);
  else if (field == "payout") p.payout = std::move(value);
  else if (field == "photo") p.photo = std::move(value);
  else if (field == "github") p.github = std::move(value);
  else if (field == "linkedin") p.linkedin = std::move(value);
  else if (field == "hired") p.hired = std::move(value);
  else if (field == "ended") p.ended = std::move(value);
  else if (field == "timezone") p.timezone = std::move(value);
  else if (field == "referrer") p.referrer = std::move(value);
}

std::string LowerTrim(std::string_view s) {
  std::string out(TrimAscii(s));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Input columns for each Person field: the config's mapping, else the field name.
std::vector<std::pair<std::string, std::vector<std::string>>> FieldColumns(const LinkageConfig& config) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const std::string& field : PersonFieldNames()) {
    auto it = config.columns.find(field);
    std::vector<std::string> cols;
    if (it != config.columns.end()) {
      for (const auto& c : it->second) cols.push_back(LowerTrim(c));
    } else {
      cols.push_back(field);
    }
    out.emplace_back(field, cols);
  }
  return out;
}

std::string Truncate(std::string_view s) { return std::string(s.substr(0, 4096)); }

bool AcceptRecord(Person& p, std::unordered_set<std::string>& seen, const std::string& name, uint64_t line,
                  std::string_view raw, RejectSink& rejects, PeopleReadStats* stats, std::vector<Person>* out) {
  std::string reason;
  if (p.record_id.empty()) {
    reason = "record_id: missing";
  } else if (!seen.insert(p.record_id).second) {
    reason = "record_id: duplicate \"" + p.record_id + "\"";
  }
  if (!reason.empty()) {
    rejects.OnReject(Reject{name, line, reason, Truncate(raw)});
    ++stats->rejected;
    return false;
  }
  p.source_file = name;
  p.source_line = line;
  out->push_back(std::move(p));
  ++stats->records;
  return true;
}

Status ParseCsv(std::string_view text, const std::string& name, const LinkageConfig& config,
                std::vector<Person>* out, RejectSink& rejects, PeopleReadStats* stats) {
  std::vector<std::pair<std::string, std::vector<int>>> mapping;  // field -> column indexes
  size_t header_size = 0;
  bool header_done = false;
  Status status;
  std::unordered_set<std::string> seen;
  ForEachCsvRow(text, [&](const std::vector<std::string>& fields, uint64_t line, const std::string& error) {
    if (!header_done) {
      header_done = true;
      if (!error.empty()) {
        status = Status::Corruption(name + ":" + std::to_string(line) + ": header: " + error);
        return false;
      }
      std::unordered_map<std::string, int> index;
      for (size_t i = 0; i < fields.size(); ++i) index.emplace(LowerTrim(fields[i]), static_cast<int>(i));
      header_size = fields.size();
      for (const auto& [field, cols] : FieldColumns(config)) {
        std::vector<int> idx;
        for (const auto& c : cols) {
          auto it = index.find(c);
          if (it != index.end()) idx.push_back(it->second);
        }
        if (!idx.empty()) mapping.emplace_back(field, idx);
      }
      bool has_id = false;
      for (const auto& m : mapping) has_id |= m.first == "record_id";
      if (!has_id) {
        status = Status::InvalidArgument(name + ": no record_id column (map one with columns: record_id: <name>)");
        return false;
      }
      return true;
    }
    if (fields.size() == 1 && TrimAscii(fields[0]).empty()) return true;  // blank line
    std::string joined;
    for (size_t i = 0; i < fields.size(); ++i) joined += (i ? "," : "") + fields[i];
    if (!error.empty() || fields.size() != header_size) {
      const std::string reason = !error.empty() ? error
                                                : "expected " + std::to_string(header_size) + " fields, found " +
                                                      std::to_string(fields.size());
      rejects.OnReject(Reject{name, line, reason, Truncate(joined)});
      ++stats->rejected;
      return true;
    }
    Person p;
    for (const auto& [field, idx] : mapping) {
      std::string value;
      for (int i : idx) {
        std::string_view v = TrimAscii(fields[i]);
        if (v.empty()) continue;
        if (!value.empty()) value.push_back(' ');
        value.append(v);
      }
      if (!value.empty()) SetField(p, field, std::move(value));
    }
    AcceptRecord(p, seen, name, line, joined, rejects, stats, out);
    return true;
  });
  return status;
}

std::string JsonValueText(simdjson::dom::element v) {
  switch (v.type()) {
    case simdjson::dom::element_type::STRING: return std::string(std::string_view(v.get_string().value()));
    case simdjson::dom::element_type::INT64: return std::to_string(int64_t(v.get_int64().value()));
    case simdjson::dom::element_type::UINT64: return std::to_string(uint64_t(v.get_uint64().value()));
    case simdjson::dom::element_type::DOUBLE: {
      std::ostringstream ss;
      ss << double(v.get_double().value());
      return ss.str();
    }
    case simdjson::dom::element_type::BOOL: return v.get_bool().value() ? "true" : "false";
    case simdjson::dom::element_type::ARRAY: {
      std::string out;
      for (auto item : v.get_array()) {
        std::string one = JsonValueText(item);
        if (one.empty()) continue;
        if (!out.empty()) out.push_back(';');
        out += one;
      }
      return out;
    }
    default: return "";
  }
}

Status ParseJsonLines(std::string_view text, const std::string& name, const LinkageConfig& config,
                      std::vector<Person>* out, RejectSink& rejects, PeopleReadStats* stats) {
  simdjson::dom::parser parser;
  const auto field_columns = FieldColumns(config);
  std::unordered_set<std::string> seen;
  uint64_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = TrimAscii(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    simdjson::dom::element doc;
    auto err = parser.parse(line.data(), line.size()).get(doc);
    if (err || !doc.is_object()) {
      rejects.OnReject(Reject{name, line_no, err ? std::string("not JSON: ") + simdjson::error_message(err)
                                                 : "not a JSON object", Truncate(line)});
      ++stats->rejected;
      continue;
    }
    std::unordered_map<std::string, std::string> values;
    for (auto kv : doc.get_object()) values.emplace(LowerTrim(std::string_view(kv.key)), JsonValueText(kv.value));
    Person p;
    for (const auto& [field, cols] : field_columns) {
      std::string value;
      for (const auto& c : cols) {
        auto it = values.find(c);
        if (it == values.end()) continue;
        std::string_view v = TrimAscii(it->second);
        if (v.empty()) continue;
        if (!value.empty()) value.push_back(' ');
        value.append(v);
      }
      if (!value.empty()) SetField(p, field, std::move(value));
    }
    AcceptRecord(p, seen, name, line_no, line, rejects, stats, out);
  }
  return Status::OK();
}

}  // namespace

void ForEachCsvRow(std::string_view text, const CsvRowCallback& row) {
  size_t i = 0;
  uint64_t line = 1;
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF) {
    i = 3;  // UTF-8 byte-order mark
  }
  std::vector<std::string> fields;
  std::string field;
  while (i < text.size()) {
    const uint64_t start_line = line;
    fields.clear();
    std::string error;
    bool end_of_row = false;
    while (!end_of_row) {
      field.clear();
      // Skip leading blanks of a field (FEBRL writes ", value").
      size_t k = i;
      while (k < text.size() && (text[k] == ' ' || text[k] == '\t')) ++k;
      if (k < text.size() && text[k] == '"') {
        i = k + 1;
        bool closed = false;
        while (i < text.size()) {
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
          ++i;
        }
        if (!closed) error = "unterminated quoted field";
        // Anything up to the next separator after the closing quote is kept.
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field.push_back(text[i++]);
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field.push_back(text[i++]);
        while (!field.empty() && (field.back() == ' ' || field.back() == '\t')) field.pop_back();
        size_t lead = 0;
        while (lead < field.size() && (field[lead] == ' ' || field[lead] == '\t')) ++lead;
        field.erase(0, lead);
      }
      fields.push_back(field);
      if (i >= text.size()) {
        end_of_row = true;
      } else if (text[i] == ',') {
        ++i;
      } else {
        if (text[i] == '\r') ++i;
        if (i < text.size() && text[i] == '\n') ++i;
        ++line;
        end_of_row = true;
      }
    }
    if (!row(fields, start_line, error)) return;
  }
}

Status ParsePeople(std::string_view text, const std::string& name, const LinkageConfig& config,
                   std::vector<Person>* out, RejectSink& rejects, PeopleReadStats* stats) {
  stats->bytes += text.size();
  size_t first = 0;
  while (first < text.size() && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
  if (first < text.size() && text[first] == '{') return ParseJsonLines(text, name, config, out, rejects, stats);
  return ParseCsv(text, name, config, out, rejects, stats);
}

Status ReadPeople(const std::string& path, const LinkageConfig& config, std::vector<Person>* out,
                  RejectSink& rejects, PeopleReadStats* stats) {
  // The sign-in readers' input source: plain, gzip (by its magic bytes), an
  // archive member or stdin, decompressed as it is read.
  IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(std::unique_ptr<ingest::InputSource> source, ingest::InputSource::Open(path),
                                    "reading people file " + path);
  std::string text;
  std::vector<char> buffer(size_t{1} << 20);
  for (;;) {
    IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(size_t n, source->Read(buffer.data(), buffer.size()),
                                      "reading people file " + path);
    if (n == 0) break;
    text.append(buffer.data(), n);
  }
  return ParsePeople(text, path == "-" ? "<stdin>" : path, config, out, rejects, stats);
}

}  // namespace impostor
