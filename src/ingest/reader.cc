// ReadSignIns: detects the format, runs the input shell (input_source.h) and
// hands every record to its format's reader (format_readers.h); turns each
// outcome into a SignIn, a counted skip or a reported reject.
#include "ingest/reader.h"

#include <simdjson.h>

#include <algorithm>
#include <memory>
#include <string>

#include "common/strings.h"
#include "ingest/format_readers.h"
#include "ingest/input_source.h"

namespace impostor {

void ReportReject(RejectSink& sink, ReadStats* stats, const std::string& file, uint64_t line, std::string reason,
                  std::string_view raw) {
  ++stats->rejected;
  Reject reject;
  reject.file = file;
  reject.line = line;
  reject.reason = std::move(reason);
  reject.raw.assign(raw.substr(0, ingest::kMaxRawBytes));
  sink.OnReject(reject);
}

namespace {

constexpr size_t kHeadBytes = 64 * 1024;
constexpr uint64_t kProgressEveryBytes = uint64_t{8} << 20;

using JsonRecordReader = ingest::RecordResult (*)(ingest::od::object&, ingest::RecordContext&, SignIn*);

JsonRecordReader JsonReaderFor(const std::string& format) {
  if (format.rfind("entra.", 0) == 0) return &ingest::ReadEntraRecord;
  if (format == "okta.systemlog") return &ingest::ReadOktaRecord;
  if (format == "gws.login") return &ingest::ReadGwsRecord;
  if (format == "aws.cloudtrail") return &ingest::ReadCloudTrailRecord;
  if (format == "ocsf.authentication") return &ingest::ReadOcsfRecord;
  if (format == "ecs") return &ingest::ReadEcsRecord;
  return nullptr;
}

std::string_view SkipSpace(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t first = text.find_first_not_of(" \t\r\n");
  return first == std::string_view::npos ? std::string_view() : text.substr(first);
}

bool HasKey(const std::string& lower_head, std::string_view key) {
  return lower_head.find(key) != std::string::npos;
}

// Shared state of one ReadSignIns call.
class ReadRun {
 public:
  ReadRun(const std::string& path, const std::string& format, const SignInCallback& on_signin,
          RejectSink& rejects, ReadStats* stats)
      : path_(path), interned_path_(InternString(path)), format_(format), on_signin_(on_signin), rejects_(rejects),
        stats_(stats) {}

  void Reject(uint64_t line, std::string reason, std::string_view raw) {
    ReportReject(rejects_, stats_, path_, line, std::move(reason), raw);
  }

  void Deliver(ingest::RecordResult&& result, SignIn&& signin, uint64_t line, std::string_view raw) {
    if (!ctx_.ignored.empty()) {
      if (result.kind != ingest::RecordResult::Kind::kRejected) {
        for (const std::string& field : ctx_.ignored) ++stats_->ignored_fields[field];
      }
      ctx_.ignored.clear();
    }
    switch (result.kind) {
      case ingest::RecordResult::Kind::kSignIn:
        signin.source_format = format_;
        signin.source_file = interned_path_;
        signin.source_line = line;
        ++stats_->records;
        on_signin_(std::move(signin));
        break;
      case ingest::RecordResult::Kind::kSkipped:
        ++stats_->skipped;
        ++stats_->skipped_by_kind[result.detail];
        break;
      case ingest::RecordResult::Kind::kRejected:
        Reject(line, std::move(result.detail), raw);
        break;
    }
  }

  void JsonRecord(const ingest::RecordSpan& span, JsonRecordReader reader, bool unwrap_event) {
    std::string_view text(span.data, span.size);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return;  // blank line
    namespace od = ingest::od;
    od::document doc;
    od::object object;
    if (auto e = parser_.iterate(text.data(), text.size(), span.capacity).get(doc)) {
      Reject(span.line, ingest::JsonError(e), text);
      return;
    }
    if (auto e = doc.get_object().get(object)) {
      Reject(span.line, e == simdjson::INCORRECT_TYPE ? "not a JSON object" : ingest::JsonError(e), text);
      return;
    }
    SignIn& signin = NextRecord();
    if (unwrap_event) {
      od::value event;
      od::object inner;
      if (auto e = object.find_field_unordered("event").get(event)) {
        Reject(span.line, e == simdjson::NO_SUCH_FIELD ? "event: missing in the wrapper" : ingest::JsonError(e), text);
        return;
      }
      if (auto e = event.get_object().get(inner)) {
        Reject(span.line, e == simdjson::INCORRECT_TYPE ? "event: not an object" : ingest::JsonError(e), text);
        return;
      }
      Deliver(flat_ != nullptr ? FlatRecord(inner, &signin) : reader(inner, ctx_, &signin), std::move(signin),
              span.line, text);
      return;
    }
    ingest::RecordResult result = flat_ != nullptr ? FlatRecord(object, &signin) : reader(object, ctx_, &signin);
    if (result.kind != ingest::RecordResult::Kind::kRejected) {
      // The reader walked the whole object; anything after it on the line is
      // a second value or debris, which must not vanish unnoticed.
      const char* rest = nullptr;
      if (!doc.current_location().get(rest)) {
        result = ingest::RecordResult::Reject("trailing text after the JSON object: " +
                                              std::string(rest, std::min<size_t>(40, text.data() + text.size() - rest)));
      }
    }
    Deliver(std::move(result), std::move(signin), span.line, text);
  }

  // Table formats exported as JSON: each record's keys are the columns.
  void SetFlatReader(ingest::RowReader* reader) { flat_ = reader; }

  ingest::RecordContext& ctx() { return ctx_; }
  // The record the next reader call fills, cleared: one per input, so its strings'
  // storage is reused (and a consumer that swaps records, like SignInPipeline, hands storage back).
  SignIn& NextRecord() {
    scratch_.Clear();
    return scratch_;
  }
  const std::string& path() const { return path_; }

 private:
  const std::string& path_;
  std::string_view interned_path_;  // what every record of this input points at
  const std::string& format_;
  const SignInCallback& on_signin_;
  RejectSink& rejects_;
  ReadStats* stats_;
  SignIn scratch_;
  // One flat JSON record as a header (its keys) and a row (its values as text:
  // strings unescaped, numbers and booleans as written, objects and arrays as
  // their JSON, null as empty), read by the format's row reader.
  ingest::RecordResult FlatRecord(ingest::od::object& object, SignIn* signin) {
    namespace od = ingest::od;
    flat_header_.clear();
    flat_row_.clear();
    std::string error;
    bool ok = ingest::ForEachField(object, &error, [&](std::string_view key, od::value& v) {
      flat_header_.emplace_back(key);
      od::json_type type;
      if (auto e = v.type().get(type)) { error = ingest::JsonError(e); return false; }
      std::string_view text;
      if (type == od::json_type::string) {
        if (auto e = v.get_string().get(text)) { error = ingest::JsonError(e); return false; }
      } else if (type == od::json_type::object || type == od::json_type::array) {
        if (auto e = simdjson::to_json_string(v).get(text)) { error = ingest::JsonError(e); return false; }
      } else if (type != od::json_type::null) {
        text = v.raw_json_token();
        while (!text.empty() && (text.back() == ' ' || text.back() == ',' || text.back() == '\n' ||
                                 text.back() == '\r' || text.back() == '\t' || text.back() == '}')) {
          text.remove_suffix(1);
        }
      }
      flat_row_.emplace_back(text);
      return true;
    });
    if (!ok) return ingest::RecordResult::Reject(error);
    // Records of one export share their keys: the columns are resolved again only
    // when they change.
    if (flat_header_ != flat_resolved_) {
      Status header_error = flat_->Init(flat_header_);
      if (!header_error.ok()) {
        flat_resolved_.clear();
        return ingest::RecordResult::Reject(header_error.message());
      }
      flat_resolved_ = flat_header_;
    }
    return flat_->Read(flat_row_, ctx_, signin);
  }

  ingest::od::parser parser_;
  ingest::RecordContext ctx_;
  ingest::RowReader* flat_ = nullptr;
  std::vector<std::string> flat_header_, flat_row_;
  std::vector<std::string> flat_resolved_;  // the header flat_ was last initialised with
};

Status ReadCsv(ingest::ChunkBuffer* buffer, ingest::RowReader* reader, ReadRun* run,
               const std::function<void(bool)>& progress) {
  uint64_t rows_since_check = 0;
  size_t pos = 0;
  uint64_t line = 1;
  std::vector<std::string> row;
  bool have_header = false;
  while (true) {
    std::string_view text = buffer->view();
    while (pos < text.size()) {
      size_t start = pos;
      uint64_t start_line = line;
      if (!SplitCsvRecord(text, &pos, &row, &line, buffer->eof())) {
        pos = start;
        line = start_line;
        if (buffer->eof()) {  // a quoted field never closed
          run->Reject(start_line, "CSV: unterminated quoted field", text.substr(start));
          return Status::OK();
        }
        break;
      }
      std::string_view raw = text.substr(start, pos - start);
      if (row.size() == 1 && row[0].find_first_not_of(" \t\r") == std::string::npos) continue;  // blank line
      if (!have_header) {
        Status error = reader->Init(row);
        if (!error.ok()) {
          return Status::InvalidArgument(run->path() + ": CSV header: " + error.message());
        }
        have_header = true;
        continue;
      }
      SignIn& signin = run->NextRecord();
      ingest::RecordResult result = reader->Read(row, run->ctx(), &signin);
      run->Deliver(std::move(result), std::move(signin), start_line, raw);
      if (++rows_since_check >= 4096) {
        rows_since_check = 0;
        progress(false);
      }
    }
    if (buffer->eof()) return Status::OK();
    if (buffer->size() - pos > ingest::kMaxRecordBytes) {
      run->Reject(line, "CSV record longer than 256 MiB; the rest of the input is skipped",
                  buffer->view().substr(pos));
      return Status::OK();
    }
    Result<bool> more = buffer->Fill(pos);
    pos = 0;
    if (!more.ok()) return more.status();
  }
}

}  // namespace

std::vector<std::string> SignInFormats() {
  return {"entra.graph",    "entra.diagnostic", "entra.loganalytics",  "okta.systemlog",
          "gws.login",      "aws.cloudtrail",   "ocsf.authentication", "csv",
          "entra.download", "okta.flat",        "asim.authentication", "aws.sentinel",
          "gws.sentinel",   "gws.admin",        "ecs"};
}

namespace ingest {

namespace {

// The plain CSV and Log Analytics SigninLogs readers predate RowReader.
class PlainRowReader final : public RowReader {
 public:
  explicit PlainRowReader(const std::map<std::string, std::string>& mapping) : mapping_(mapping) {}
  Status Init(const std::vector<std::string>& header) override { return reader_.Init(header, mapping_); }
  RecordResult Read(const std::vector<std::string>& row, RecordContext& ctx, SignIn* out) const override {
    return reader_.Read(row, ctx, out);
  }

 private:
  std::map<std::string, std::string> mapping_;
  PlainCsvReader reader_;
};

class EntraRowReader final : public RowReader {
 public:
  Status Init(const std::vector<std::string>& header) override { return reader_.Init(header); }
  RecordResult Read(const std::vector<std::string>& row, RecordContext& ctx, SignIn* out) const override {
    return reader_.Read(row, ctx, out);
  }

 private:
  EntraCsvReader reader_;
};

}  // namespace

std::unique_ptr<RowReader> MakeRowReader(const std::string& format,
                                         const std::map<std::string, std::string>& csv_columns) {
  if (format == "csv") return std::make_unique<PlainRowReader>(csv_columns);
  if (format == "entra.loganalytics") return std::make_unique<EntraRowReader>();
  if (format == "entra.download") return MakeEntraDownloadReader();
  if (format == "okta.flat") return MakeOktaFlatReader();
  if (format == "asim.authentication") return MakeAsimAuthenticationReader();
  if (format == "aws.sentinel") return MakeSentinelCloudTrailReader();
  if (format == "gws.sentinel") return MakeSentinelGwsReader();
  if (format == "ecs") return MakeEcsReader();
  if (format == "gws.admin") return MakeGwsAdminReader();
  return nullptr;
}

}  // namespace ingest

namespace {

// The table readers a CSV header is offered to, most specific first: a
// GoogleWorkspaceReports export also has ASIM-like SrcIpAddr and EventResult
// columns, and ASIM tables may carry a UserId.
struct CsvCandidate {
  const char* format;
  const char* why;
  size_t required;  // columns (or groups of alternatives) the reader cannot do without
};
constexpr CsvCandidate kCsvCandidates[] = {
    {"aws.sentinel", "CSV with EventName, UserIdentityType and SourceIpAddress columns (Sentinel AWSCloudTrail)", 4},
    {"gws.sentinel", "CSV with IdApplicationName / ActorEmail / EventName columns (Sentinel GoogleWorkspaceReports)", 3},
    {"okta.flat", "CSV with eventType, published and actor.alternateId columns (Okta System Log download or Okta_CL)", 3},
    {"asim.authentication", "CSV with TimeGenerated, TargetUsername/ActorUsername, SrcIpAddr and EventResult "
                            "columns (ASIM Authentication)", 4},
    {"entra.download", "CSV with \"Date (UTC)\" and Username columns (Entra admin centre download)", 3},
    {"entra.loganalytics", "CSV with UserPrincipalName/UserId and TimeGenerated/CreatedDateTime columns "
                           "(SigninLogs / AADNonInteractiveUserSignInLogs export)", 2},
    {"gws.admin", "CSV with \"Event name\", User, \"IP address\" and Date columns (Google Admin console "
                  "login audit export)", 4},
    {"ecs", "CSV with @timestamp, user.name and source.ip columns (Kibana CSV report of ECS documents)", 3},
    {"csv", "CSV with user, time and ip columns", 3},
};

size_t CountMissing(const std::string& error) {
  constexpr std::string_view kPrefix = "missing column(s):";
  if (error.rfind(kPrefix, 0) != 0) return 0;
  size_t n = 0;
  bool quoted = false;  // "Date (UTC)" is one column
  for (size_t i = kPrefix.size(); i < error.size(); ++i) {
    if (error[i] == '"') quoted = !quoted;
    n += error[i] == ' ' && !quoted;
  }
  return n;
}

}  // namespace

FormatMatch MatchSignInFormat(std::string_view head) {
  FormatMatch m;
  std::string_view text = SkipSpace(head);
  if (text.empty()) {
    m.why = "empty input";
    return m;
  }
  if (text[0] != '{' && text[0] != '[') {
    std::vector<std::string> header;
    if (!ingest::ReadCsvHeader(text, &header)) {
      m.why = "neither JSON nor a CSV header line";
      return m;
    }
    if (header.size() < 2) {
      m.why = "not JSON, and its first line is not a CSV header with several columns";
      return m;
    }
    size_t best_missing = 3;  // a reader lacking more than two of its columns is not close
    for (const CsvCandidate& c : kCsvCandidates) {
      std::unique_ptr<ingest::RowReader> reader = ingest::MakeRowReader(c.format, {});
      Status error = reader->Init(header);
      if (error.ok()) {
        m.format = c.format;
        m.why = c.why;
        m.near.clear();
        return m;
      }
      size_t missing = CountMissing(error.message());
      // Close: has some of the reader's columns and lacks at most two.
      if (missing > 0 && missing < c.required && missing < best_missing) {
        best_missing = missing;
        m.near = std::string(c.format) + ": " + error.message();
      }
    }
    m.why = "a CSV header (" + std::to_string(header.size()) + " columns) that no reader takes";
    return m;
  }
  std::string lower = AsciiLower(head.substr(0, kHeadBytes));
  auto pick = [&](const char* format, const char* why) {
    m.format = format;
    m.why = why;
    return m;
  };
  if (HasKey(lower, "\"class_uid\"")) return pick("ocsf.authentication", "key class_uid (OCSF)");
  // ECS documents may carry any vendor's fields (okta.*, aws.cloudtrail.*) beside their own.
  if (HasKey(lower, "\"@timestamp\"") &&
      (HasKey(lower, "\"ecs\"") || HasKey(lower, "\"_source\"") || HasKey(lower, "\"event.category\"") ||
       HasKey(lower, "\"source.ip\"") || HasKey(lower, "\"event\":{") || HasKey(lower, "\"event\": {"))) {
    return pick("ecs", "key @timestamp with ecs / _source / event fields (Elastic Common Schema)");
  }
  if (HasKey(lower, "\"useridentitytype\"") && HasKey(lower, "\"eventname\"")) {
    return pick("aws.sentinel", "keys EventName and UserIdentityType (Sentinel AWSCloudTrail as JSON)");
  }
  if (HasKey(lower, "\"eventname\"") && (HasKey(lower, "\"eventsource\"") || HasKey(lower, "\"useridentity\""))) {
    return pick("aws.cloudtrail", "keys eventName and eventSource / userIdentity (CloudTrail)");
  }
  if (HasKey(lower, "\"idapplicationname\"") && HasKey(lower, "\"actoremail\"")) {
    return pick("gws.sentinel", "keys IdApplicationName and ActorEmail (Sentinel GoogleWorkspaceReports as JSON)");
  }
  if (HasKey(lower, "admin#reports#activity") ||
      (HasKey(lower, "\"applicationname\"") && HasKey(lower, "\"actor\""))) {
    return pick("gws.login", "admin#reports#activity, or keys applicationName and actor (Reports API)");
  }
  if (HasKey(lower, "\"eventtype_s\"") && (HasKey(lower, "\"published_t\"") || HasKey(lower, "\"actor_alternateid_s\""))) {
    return pick("okta.flat", "keys eventType_s and published_t / actor_alternateId_s (Sentinel Okta_CL)");
  }
  if (HasKey(lower, "\"eventtype\"") && (HasKey(lower, "\"published\"") || HasKey(lower, "\"alternateid\""))) {
    return pick("okta.systemlog", "keys eventType and published / alternateId (Okta System Log)");
  }
  if (HasKey(lower, "\"srcipaddr\"") && HasKey(lower, "\"eventresult\"") &&
      (HasKey(lower, "\"targetusername\"") || HasKey(lower, "\"actorusername\""))) {
    return pick("asim.authentication", "keys SrcIpAddr, EventResult and TargetUsername / ActorUsername (ASIM)");
  }
  if (HasKey(lower, "\"timegenerated\"")) {
    return pick("entra.loganalytics", "key TimeGenerated (Log Analytics SigninLogs export)");
  }
  if (HasKey(lower, "\"properties\"") && HasKey(lower, "\"category\"")) {
    return pick("entra.diagnostic", "keys properties and category (Entra diagnostic settings)");
  }
  if (HasKey(lower, "\"createddatetime\"") || HasKey(lower, "\"userprincipalname\"")) {
    return pick("entra.graph", "key createdDateTime / userPrincipalName (Graph signIn, Entra JSON download)");
  }
  m.why = "JSON without the keys of any sign-in format";
  return m;
}

std::string DetectSignInFormat(std::string_view head) { return MatchSignInFormat(head).format; }

Status ReadSignIns(const std::string& path, const ReadOptions& options, const SignInCallback& on_signin,
                   RejectSink& rejects, ReadStats* stats) {
  ReadStats local_stats;
  if (stats == nullptr) stats = &local_stats;
  const std::vector<std::string> formats = SignInFormats();
  if (!options.format.empty() &&
      std::find(formats.begin(), formats.end(), options.format) == formats.end()) {
    std::string known;
    for (const auto& f : formats) known += (known.empty() ? "" : ", ") + f;
    return Status::InvalidArgument("unknown sign-in format \"" + options.format + "\"; known: " + known);
  }
  IMPOSTOR_ASSIGN_OR_RETURN(std::unique_ptr<ingest::InputSource> opened, ingest::InputSource::Open(path));
  ingest::InputSource* source = opened.get();
  ingest::ChunkBuffer buffer(source);

  // Progress: every few MB of input, and once at the end.
  uint64_t last_progress = 0;
  auto report_progress = [&](bool final) {
    if (!options.progress) return;
    uint64_t done = source->total_bytes() > 0 ? source->consumed_bytes() : buffer.bytes_read();
    if (final || done - last_progress >= kProgressEveryBytes) {
      last_progress = done;
      options.progress(done, source->total_bytes());
    }
  };

  // Read the head: enough to tell the format and layout.
  while (buffer.size() < kHeadBytes && !buffer.eof()) {
    IMPOSTOR_RETURN_IF_ERROR(buffer.Fill(0).status());
  }
  std::string_view head = buffer.view().substr(0, kHeadBytes);
  if (SkipSpace(head).empty() && buffer.eof()) {  // empty input: nothing to read
    stats->bytes += buffer.bytes_read();
    report_progress(true);
    return Status::OK();
  }
  std::string format = options.format;
  if (format.empty()) {
    FormatMatch match = MatchSignInFormat(head);
    if (match.format.empty()) {
      return Status::Unsupported(path + ": cannot tell the sign-in format from the content: " + match.why +
                                 (match.near.empty() ? "" : "; closest " + match.near) +
                                 "; see 'impostor formats', or name one with --format");
    }
    format = match.format;
  }
  stats->format = format;

  ReadRun run(path, format, on_signin, rejects, stats);
  // Numeric dates ("01/09/2007") are read in one order for the whole input.
  run.ctx().date_order = options.date_order != DayMonthOrder::kUnknown ? options.date_order : DetectDateOrder(head);
  stats->date_order = run.ctx().date_order;
  std::string_view start = SkipSpace(head);
  const bool is_json = !start.empty() && (start[0] == '{' || start[0] == '[');
  std::unique_ptr<ingest::RowReader> row_reader = ingest::MakeRowReader(format, options.csv_columns);
  Status status;
  // Progress is checked every few thousand records.
  if (row_reader != nullptr && !is_json) {
    status = ReadCsv(&buffer, row_reader.get(), &run, report_progress);
  } else {
    JsonRecordReader reader = JsonReaderFor(format);
    if (reader == nullptr) run.SetFlatReader(row_reader.get());  // a table format exported as JSON
    ingest::JsonShape shape = ingest::DetectJsonShape(head);
    uint64_t records_since_check = 0;
    ingest::JsonSplitter splitter(
        shape.mode,
        [&](const ingest::RecordSpan& span) {
          run.JsonRecord(span, reader, shape.unwrap_event);
          if (++records_since_check >= 4096) {
            records_since_check = 0;
            report_progress(false);
          }
        },
        [&](const ingest::StructureError& error) { run.Reject(error.line, error.reason, error.raw); });
    status = splitter.Run(&buffer);
  }
  stats->bytes += buffer.bytes_read();
  report_progress(true);
  if (!status.ok()) return status.WithContext("reading " + path);
  return Status::OK();
}

}  // namespace impostor
