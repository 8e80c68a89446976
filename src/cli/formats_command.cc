#include "cli/formats_command.h"

#include <cstdio>
#include <memory>

#include "common/json_writer.h"
#include "common/strings.h"
#include "engine/inputs.h"
#include "export/table.h"
#include "ingest/device_reader.h"
#include "ingest/input_source.h"
#include "ingest/reader.h"

namespace impostor {

namespace {

constexpr size_t kReasonsShown = 3;

struct FormatsArgs {
  std::vector<std::string> inputs;
  std::string format;
  std::string date_order;
  bool json = false;
  bool no_read = false;
};

// Keeps the first few reject reasons; counts the rest.
class FirstRejects final : public RejectSink {
 public:
  void OnReject(const Reject& r) override {
    if (reasons.size() < kReasonsShown) reasons.push_back("line " + std::to_string(r.line) + ": " + r.reason);
  }
  std::vector<std::string> reasons;
};

struct Report {
  std::string input;
  std::string kind;    // "sign-ins", "devices", "people", "registrations", "" = none
  std::string format;  // reader id
  std::string why;
  std::string near;
  std::string error;   // cannot open / read
  std::string dates;   // day/month order
  bool read = false;
  ReadStats stats;
  std::vector<std::string> reasons;
};


std::string DatesLine(DayMonthOrder forced, std::string_view head) {
  if (forced != DayMonthOrder::kUnknown) return std::string(DateOrderName(forced)) + " (--date-order)";
  DayMonthOrder order = DetectDateOrder(head);
  if (order == DayMonthOrder::kDayFirst) return "day-first: a date's first field is over 12";
  if (order == DayMonthOrder::kMonthFirst) return "month-first: a date's second field is over 12, or a 12-hour clock";
  return "undecided: no numeric date tells day from month (ISO dates need no order)";
}

Report Examine(const std::string& input, const FormatsArgs& a, DayMonthOrder order) {
  Report r;
  r.input = input;
  Result<std::string> head = ReadInputHead(input);
  if (!head.ok()) {
    r.error = head.status().message();
    return r;
  }
  r.dates = DatesLine(order, *head);
  FormatMatch match;
  if (!a.format.empty()) {
    match.format = a.format;
    match.why = "forced with --format";
  } else {
    match = MatchSignInFormat(*head);
  }
  InputKinds kinds = ClassifyHead(*head);
  if (a.format.empty() && kinds.devices) {
    r.kind = "devices";
    r.format = DetectDeviceFormat(*head);
    r.why = "device inventory (see docs/devices.md)";
  } else if (a.format.empty() && kinds.people) {
    r.kind = "people";
    r.format = "people";
    r.why = "a record_id column (see docs/resolution.md)";
  } else if (!match.format.empty() && (kinds.signins || !a.format.empty())) {
    r.kind = kinds.registrations ? "sign-ins and MFA registrations" : "sign-ins";
    r.format = match.format;
    r.why = match.why;
  } else if (kinds.registrations) {
    r.kind = "registrations";
    r.format = "registrations";
    r.why = "MFA registration events (see docs/devices.md)";
  } else {
    r.why = match.why;
    r.near = match.near;
    return r;
  }
  if (a.no_read) return r;
  FirstRejects rejects;
  Status status;
  if (r.kind == "devices") {
    DeviceReadOptions options;
    status = ReadDeviceRecords(input, options, [](DeviceObservation&&) {}, rejects, &r.stats);
  } else if (r.kind.rfind("sign-ins", 0) == 0) {
    ReadOptions options;
    options.format = a.format;
    options.date_order = order;
    status = ReadSignIns(input, options, [](SignIn&&) {}, rejects, &r.stats);
  } else {
    return r;  // people and registrations are read by their own commands
  }
  r.read = true;
  r.reasons = std::move(rejects.reasons);
  if (!status.ok()) r.error = status.message();
  return r;
}

std::string Counts(const Report& r) {
  const ReadStats& s = r.stats;
  std::string line = GroupThousands(s.records) + (r.kind == "devices" ? " observations" : " sign-ins") + ", " +
                     GroupThousands(s.rejected) + " rejected, " + GroupThousands(s.skipped) + " skipped";
  if (!s.skipped_by_kind.empty()) {
    constexpr size_t kKindsShown = 4;  // --json lists them all
    std::string kinds;
    size_t shown = 0;
    for (const auto& [kind, n] : s.skipped_by_kind) {
      if (shown++ == kKindsShown) break;
      kinds += (kinds.empty() ? "" : ", ") + kind + " " + GroupThousands(n);
    }
    if (s.skipped_by_kind.size() > kKindsShown) {
      kinds += ", and " + std::to_string(s.skipped_by_kind.size() - kKindsShown) + " more kinds";
    }
    line += " (" + kinds + ")";
  }
  return line;
}

void PrintText(const Report& r) {
  std::printf("%s\n", r.input.c_str());
  if (r.format.empty() && !r.error.empty() && r.why.empty()) {
    std::printf("  cannot read: %s\n\n", r.error.c_str());
    return;
  }
  if (r.format.empty()) {
    std::printf("  no reader: %s\n", r.why.c_str());
    if (!r.near.empty()) std::printf("  closest:   %s\n", r.near.c_str());
    std::printf("  dates:     %s\n\n", r.dates.c_str());
    return;
  }
  std::printf("  reader:    %s (%s): %s\n", r.format.c_str(), r.kind.c_str(), r.why.c_str());
  std::printf("  dates:     %s\n", r.dates.c_str());
  if (r.read) {
    std::printf("  read:      %s\n", Counts(r).c_str());
    for (const std::string& reason : r.reasons) std::printf("  rejected:  %s\n", reason.c_str());
    if (!r.stats.ignored_fields.empty()) {
      std::string fields;
      for (const auto& [field, n] : r.stats.ignored_fields) fields += (fields.empty() ? "" : ", ") + field + " " + GroupThousands(n);
      std::printf("  ignored:   %s (optional fields of an unexpected type)\n", fields.c_str());
    }
  }
  if (!r.error.empty()) std::printf("  error:     %s\n", r.error.c_str());
  std::printf("\n");
}

void PrintJson(const Report& r) {
  std::string line;
  JsonWriter w(&line);
  w.BeginObject();
  w.Field("input", r.input);
  w.Field("kind", r.kind);
  w.Field("format", r.format);
  w.Field("why", r.why);
  if (!r.near.empty()) w.Field("closest", r.near);
  w.Field("dates", r.dates);
  if (!r.error.empty()) w.Field("error", r.error);
  if (r.read) {
    w.Field("records", r.stats.records);
    w.Field("rejected", r.stats.rejected);
    w.Field("skipped", r.stats.skipped);
    w.Key("skipped_by_kind");
    w.BeginObject();
    for (const auto& [kind, n] : r.stats.skipped_by_kind) w.Field(kind, n);
    w.EndObject();
    w.Key("ignored_fields");
    w.BeginObject();
    for (const auto& [field, n] : r.stats.ignored_fields) w.Field(field, n);
    w.EndObject();
    w.Key("reject_reasons");
    w.BeginArray();
    for (const std::string& reason : r.reasons) w.String(reason);
    w.EndArray();
  }
  w.EndObject();
  std::printf("%s\n", line.c_str());
}

void RunFormatsCommand(const FormatsArgs& a, CommandContext& ctx) {
  DayMonthOrder order = DayMonthOrder::kUnknown;
  if (a.date_order == "dmy" || a.date_order == "day-first") order = DayMonthOrder::kDayFirst;
  if (a.date_order == "mdy" || a.date_order == "month-first") order = DayMonthOrder::kMonthFirst;
  bool all_taken = true;
  for (const std::string& path : a.inputs) {
    std::vector<std::string> inputs;
    Result<std::vector<std::string>> members = ingest::ListArchiveMembers(path);
    if (members.ok() && !members->empty()) {
      inputs = std::move(members).value();
    } else {
      inputs.push_back(path);
    }
    for (const std::string& input : inputs) {
      Report r = Examine(input, a, order);
      if (!members.ok()) r.error = members.status().message();
      if (r.format.empty() || !r.error.empty()) all_taken = false;
      if (a.json || !ctx.stdout_is_tty) {
        PrintJson(r);
      } else {
        PrintText(r);
      }
    }
  }
  ctx.exit_code = all_taken ? kExitOk : kExitInputSkipped;
}

}  // namespace

void RegisterFormatsCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<FormatsArgs>();
  CLI::App* cmd = app.add_subcommand("formats", "Say which reader takes each file and why, and what reading it gives");
  cmd->add_option("inputs", args->inputs, "Files to examine (.gz, zip and tar members too)")->required();
  cmd->add_option("--format,-f", args->format, "Read as this sign-in format instead of detecting it")
      ->check(CLI::IsMember(SignInFormats()));
  cmd->add_option("--date-order", args->date_order,
                  "Day/month order of numeric dates such as 01/09/2007: dmy or mdy (default: decided per file "
                  "from its dates)")
      ->check(CLI::IsMember({"dmy", "mdy", "day-first", "month-first"}));
  cmd->add_flag("--no-read", args->no_read, "Only detect; do not read the files through their readers");
  cmd->add_flag("--json", args->json, "One JSON object per file (the default when stdout is not a terminal)");
  cmd->footer(
      "Examples:\n"
      "  impostor formats SigninLogs.csv                  reader, why, date order, sign-ins read / rejected\n"
      "  impostor formats exports/*                       every file of a folder; zip members one by one\n"
      "  impostor formats --json okta.csv | jq .closest   the reader that came closest and the columns it missed\n"
      "  impostor formats --date-order dmy export.csv     read 01/09/2025 as 1 September\n"
      "\n"
      "Exit status: 0 every file has a reader, 5 at least one has none or cannot be read, 2 bad command line.");
  cmd->callback([args, &ctx] { RunFormatsCommand(*args, ctx); });
}

}  // namespace impostor
