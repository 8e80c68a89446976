// ReadSignIns: detects the format, runs the input shell (input_source.h) and
// hands every record to its format's reader (format_readers.h); turns each
// outcome into a SignIn, a counted skip or a reported reject.
#include "ingest/reader.h"

#include <simdjson.h>

#include <algorithm>
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
    SignIn signin;
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
      Deliver(reader(inner, ctx_, &signin), std::move(signin), span.line, text);
      return;
    }
    ingest::RecordResult result = reader(object, ctx_, &signin);
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

  ingest::RecordContext& ctx() { return ctx_; }
  const std::string& path() const { return path_; }

 private:
  const std::string& path_;
  std::string_view interned_path_;  // what every record of this input points at
  const std::string& format_;
  const SignInCallback& on_signin_;
  RejectSink& rejects_;
  ReadStats* stats_;
  ingest::od::parser parser_;
  ingest::RecordContext ctx_;
};

Status ReadCsv(ingest::ChunkBuffer* buffer, const std::string& format, const ReadOptions& options,
               ReadRun* run, const std::function<void(bool)>& progress) {
  uint64_t rows_since_check = 0;
  size_t pos = 0;
  uint64_t line = 1;
  std::vector<std::string> row;
  bool have_header = false;
  ingest::PlainCsvReader plain;
  ingest::EntraCsvReader entra;
  const bool is_entra = format == "entra.loganalytics";
  while (true) {
    std::string_view text = buffer->view();
    while (pos < text.size()) {
      size_t start = pos;
      uint64_t start_line = line;
      if (!ingest::SplitCsvRecord(text, &pos, &row, &line, buffer->eof())) {
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
        std::string error = is_entra ? entra.Init(row) : plain.Init(row, options.csv_columns);
        if (!error.empty()) {
          return Status::InvalidArgument(run->path() + ": CSV header: " + error);
        }
        have_header = true;
        continue;
      }
      SignIn signin;
      ingest::RecordResult result = is_entra ? entra.Read(row, run->ctx(), &signin) : plain.Read(row, &signin);
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
  return {"entra.graph",   "entra.diagnostic", "entra.loganalytics",  "okta.systemlog",
          "gws.login",     "aws.cloudtrail",   "ocsf.authentication", "csv"};
}

std::string DetectSignInFormat(std::string_view head) {
  std::string_view text = SkipSpace(head);
  if (text.empty()) return "";
  if (text[0] != '{' && text[0] != '[') {
    std::vector<std::string> header;
    if (!ingest::ReadCsvHeader(text, &header)) return "";
    ingest::CsvColumns columns(header);
    if (columns.Find({"UserPrincipalName", "UserId"}) >= 0 &&
        columns.Find({"TimeGenerated", "CreatedDateTime"}) >= 0) {
      return "entra.loganalytics";
    }
    ingest::PlainCsvReader plain;
    if (plain.Init(header, {}).empty()) return "csv";
    return "";
  }
  std::string lower = AsciiLower(head.substr(0, kHeadBytes));
  if (HasKey(lower, "\"class_uid\"")) return "ocsf.authentication";
  if (HasKey(lower, "\"eventname\"") && (HasKey(lower, "\"eventsource\"") || HasKey(lower, "\"useridentity\""))) {
    return "aws.cloudtrail";
  }
  if (HasKey(lower, "admin#reports#activity") ||
      (HasKey(lower, "\"applicationname\"") && HasKey(lower, "\"actor\""))) {
    return "gws.login";
  }
  if (HasKey(lower, "\"eventtype\"") && (HasKey(lower, "\"published\"") || HasKey(lower, "\"alternateid\""))) {
    return "okta.systemlog";
  }
  if (HasKey(lower, "\"timegenerated\"")) return "entra.loganalytics";
  if (HasKey(lower, "\"properties\"") && HasKey(lower, "\"category\"")) return "entra.diagnostic";
  if (HasKey(lower, "\"createddatetime\"") || HasKey(lower, "\"userprincipalname\"")) return "entra.graph";
  return "";
}

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
  Result<std::unique_ptr<ingest::InputSource>> opened = ingest::InputSource::Open(path);
  if (!opened.ok()) return opened.status();
  ingest::InputSource* source = opened->get();
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
    Result<bool> more = buffer.Fill(0);
    if (!more.ok()) return more.status();
  }
  std::string_view head = buffer.view().substr(0, kHeadBytes);
  if (SkipSpace(head).empty() && buffer.eof()) {  // empty input: nothing to read
    stats->bytes += buffer.bytes_read();
    report_progress(true);
    return Status::OK();
  }
  std::string format = options.format.empty() ? DetectSignInFormat(head) : options.format;
  if (format.empty()) {
    std::string known;
    for (const auto& f : formats) known += (known.empty() ? "" : ", ") + f;
    return Status::Unsupported(path + ": cannot tell the sign-in format from the content; name it with --format (" +
                               known + ")");
  }

  ReadRun run(path, format, on_signin, rejects, stats);
  std::string_view start = SkipSpace(head);
  Status status;
  // Progress is checked every few thousand records.
  if (format == "csv" || (format == "entra.loganalytics" && !start.empty() && start[0] != '{' && start[0] != '[')) {
    status = ReadCsv(&buffer, format, options, &run, report_progress);
  } else {
    JsonRecordReader reader = JsonReaderFor(format);
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
