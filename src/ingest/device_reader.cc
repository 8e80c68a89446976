// ReadDeviceRecords: detects the device format, runs the input shell
// (input_source.h) and hands each record to its format's reader
// (device_formats.h); turns each outcome into observations, counted skips or
// reported rejects.
#include "ingest/device_reader.h"

#include <simdjson.h>

#include <algorithm>

#include "ingest/device_formats.h"
#include "ingest/input_source.h"

namespace impostor {

namespace ingest {

namespace dom = simdjson::dom;

std::string_view RowGet(const TextRow& row, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    for (const auto& [k, v] : row) {
      if (KeyIs(k, key)) return v;
    }
  }
  return {};
}

bool RowHas(const TextRow& row, std::string_view key) {
  for (const auto& kv : row) {
    if (KeyIs(kv.first, key)) return true;
  }
  return false;
}

bool ObjectToRow(dom::object object, TextRow* row, std::string* error) {
  for (auto field : object) {
    std::string value;
    switch (field.value.type()) {
      case dom::element_type::STRING:
        value = std::string(field.value.get_string().value_unsafe());
        break;
      case dom::element_type::INT64:
        value = std::to_string(field.value.get_int64().value_unsafe());
        break;
      case dom::element_type::UINT64:
        value = std::to_string(field.value.get_uint64().value_unsafe());
        break;
      case dom::element_type::DOUBLE: {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.10g", field.value.get_double().value_unsafe());
        value = buf;
        break;
      }
      case dom::element_type::BOOL:
        value = field.value.get_bool().value_unsafe() ? "true" : "false";
        break;
      case dom::element_type::NULL_VALUE:
        break;
      default:
        value = simdjson::minify(field.value);
        break;
    }
    row->emplace_back(std::string(field.key), std::move(value));
  }
  (void)error;
  return true;
}

std::string NormalizeBssid(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c == ':' || c == '-' || c == '.' || c == ' ') continue;
    char l = (c >= 'A' && c <= 'F') ? static_cast<char>(c + 32) : c;
    if (!((l >= '0' && l <= '9') || (l >= 'a' && l <= 'f'))) return "";
    hex += l;
  }
  if (hex.size() != 12) return "";
  std::string out;
  for (size_t i = 0; i < 12; i += 2) {
    if (i) out += ':';
    out += hex.substr(i, 2);
  }
  return out;
}

std::string NormalizeUsbId(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
  if (text.empty() || text.size() > 4) return "";
  std::string out;
  for (char c : text) {
    char l = (c >= 'A' && c <= 'F') ? static_cast<char>(c + 32) : c;
    if (!((l >= '0' && l <= '9') || (l >= 'a' && l <= 'f'))) return "";
    out += l;
  }
  while (out.size() < 4) out.insert(out.begin(), '0');
  return out;
}

std::string LowerTrim(std::string_view text) {
  size_t a = text.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return "";
  size_t b = text.find_last_not_of(" \t\r\n");
  return AsciiLower(text.substr(a, b - a + 1));
}

}  // namespace ingest

namespace {

constexpr size_t kHeadBytes = 64 * 1024;

std::string_view SkipSpace(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t first = text.find_first_not_of(" \t\r\n");
  return first == std::string_view::npos ? std::string_view() : text.substr(first);
}

class DeviceRun {
 public:
  DeviceRun(const std::string& path, const std::string& format, const DeviceCallback& cb, RejectSink& rejects,
            ReadStats* stats)
      : path_(path), format_(format), cb_(cb), rejects_(rejects), stats_(stats) {}

  void Reject(uint64_t line, std::string reason, std::string_view raw) {
    ReportReject(rejects_, stats_, path_, line, std::move(reason), raw);
  }

  // Delivers what one record produced, or rejects it as a whole.
  void Finish(const Status& error, std::vector<DeviceObservation>& out, uint64_t skipped, uint64_t line,
              std::string_view raw) {
    stats_->skipped += skipped;
    if (skipped) stats_->skipped_by_kind[format_ + " rows of unused tables"] += skipped;
    if (!error.ok()) {
      Reject(line, error.message(), raw);
      out.clear();
      return;
    }
    for (DeviceObservation& o : out) {
      o.source_format = format_;
      o.source_file = path_;
      o.source_line = line;
      ++stats_->records;
      cb_(std::move(o));
    }
    out.clear();
  }

  void JsonRecord(const ingest::RecordSpan& span) {
    std::string_view text(span.data, span.size);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t' || text.back() == '\n'))
      text.remove_suffix(1);
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
    ingest::dom::element doc;
    if (auto e = parser_.parse(text.data(), text.size(), false).get(doc)) {
      Reject(span.line, ingest::JsonError(e), text);
      return;
    }
    ingest::dom::object object;
    if (doc.get_object().get(object)) {
      Reject(span.line, "not a JSON object", text);
      return;
    }
    // The advanced-hunting API answer {"Schema":[...],"Results":[...]}.
    ingest::dom::array results;
    if (format_ == "mde" && object["Results"].get_array().get(results) == simdjson::SUCCESS) {
      for (ingest::dom::element r : results) {
        ingest::dom::object row;
        if (r.get_object().get(row)) {
          Reject(span.line, "Results: element not an object", text);
          continue;
        }
        MdeObject(row, span.line, text);
      }
      return;
    }
    if (format_ == "mde") {
      MdeObject(object, span.line, text);
      return;
    }
    uint64_t skipped = 0;
    Status error = osquery_.Read(object, &out_, &skipped);
    Finish(error, out_, skipped, span.line, text);
  }

  void MdeObject(ingest::dom::object object, uint64_t line, std::string_view raw) {
    ingest::TextRow row;
    std::string unreadable;  // a field ObjectToRow cannot read is left out; ReadMdeRow judges the row
    ingest::ObjectToRow(object, &row, &unreadable);
    uint64_t skipped = 0;
    Status error = ingest::ReadMdeRow(row, &out_, &skipped, nested_);
    Finish(error, out_, skipped, line, raw);
  }

  // One CSV data row.
  void CsvRow(const std::vector<std::string>& header, const std::vector<std::string>& fields, uint64_t line,
              std::string_view raw) {
    uint64_t skipped = 0;
    Status error;
    if (fields.size() > header.size()) {
      Finish(Status::Corruption("CSV: " + std::to_string(fields.size()) + " fields, header has " +
                                std::to_string(header.size())),
             out_, 0, line, raw);
      return;
    }
    if (format_ == "mdm.csv") {
      DeviceObservation o;
      error = mdm_.Read(fields, &o);
      if (error.ok()) out_.push_back(std::move(o));
    } else {
      ingest::TextRow row;
      for (size_t i = 0; i < fields.size(); ++i) row.emplace_back(header[i], fields[i]);
      error = ingest::ReadMdeRow(row, &out_, &skipped, nested_);
    }
    Finish(error, out_, skipped, line, raw);
  }

  ingest::MdmCsvReader& mdm() { return mdm_; }
  const std::string& path() const { return path_; }

 private:
  const std::string& path_;
  const std::string& format_;
  const DeviceCallback& cb_;
  RejectSink& rejects_;
  ReadStats* stats_;
  ingest::dom::parser parser_;
  ingest::dom::parser nested_;
  ingest::OsqueryReader osquery_;
  ingest::MdmCsvReader mdm_;
  std::vector<DeviceObservation> out_;
};

Status ReadDeviceCsv(ingest::ChunkBuffer* buffer, DeviceRun* run, const std::string& format) {
  size_t pos = 0;
  uint64_t line = 1;
  std::vector<std::string> row, header;
  bool have_header = false;
  while (true) {
    std::string_view text = buffer->view();
    while (pos < text.size()) {
      size_t start = pos;
      uint64_t start_line = line;
      if (!SplitCsvRecord(text, &pos, &row, &line, buffer->eof())) {
        pos = start;
        line = start_line;
        if (buffer->eof()) {
          run->Reject(start_line, "CSV: unterminated quoted field", text.substr(start));
          return Status::OK();
        }
        break;
      }
      std::string_view raw = text.substr(start, pos - start);
      if (row.size() == 1 && row[0].find_first_not_of(" \t\r") == std::string::npos) continue;
      if (!have_header) {
        header = row;
        if (format == "mdm.csv") {
          Status error = run->mdm().Init(header);
          if (!error.ok()) return Status::InvalidArgument(run->path() + ": MDM CSV header: " + error.message());
        }
        have_header = true;
        continue;
      }
      run->CsvRow(header, row, start_line, raw);
    }
    if (buffer->eof()) return Status::OK();
    if (buffer->size() - pos > ingest::kMaxRecordBytes) {
      run->Reject(line, "CSV record longer than 256 MiB; the rest of the input is skipped", buffer->view().substr(pos));
      return Status::OK();
    }
    Result<bool> more = buffer->Fill(pos);
    pos = 0;
    if (!more.ok()) return more.status();
  }
}

}  // namespace

std::vector<std::string> DeviceFormats() { return {"osquery", "mde", "mdm.csv"}; }

std::string DetectDeviceFormat(std::string_view head) {
  std::string_view text = SkipSpace(head);
  if (text.empty()) return "";
  if (text[0] != '{' && text[0] != '[') {
    std::vector<std::string> header;
    if (!ingest::ReadCsvHeader(text, &header)) return "";
    ingest::CsvColumns columns(header);
    if (columns.Find({"DeviceId", "DeviceName"}) >= 0 && columns.Find({"Timestamp", "TimeGenerated"}) >= 0) {
      return "mde";
    }
    ingest::MdmCsvReader mdm;
    if (mdm.Init(header).ok()) return "mdm.csv";
    return "";
  }
  std::string lower = AsciiLower(head.substr(0, kHeadBytes));
  if (lower.find("\"deviceid\"") != std::string::npos && lower.find("\"timestamp\"") != std::string::npos) return "mde";
  if (lower.find("\"hostidentifier\"") != std::string::npos || lower.find("\"calendartime\"") != std::string::npos)
    return "osquery";
  // osqueryi --json: an array of rows with osquery column names.
  for (const char* column : {"\"hardware_serial\"", "\"vendor_id\"", "\"local_timezone\"", "\"install_location\"",
                             "\"bundle_identifier\"", "\"cmdline\"", "\"bssid\""}) {
    if (lower.find(column) != std::string::npos) return "osquery";
  }
  return "";
}

Status ReadDeviceRecords(const std::string& path, const DeviceReadOptions& options,
                         const DeviceCallback& on_observation, RejectSink& rejects, ReadStats* stats) {
  ReadStats local;
  if (stats == nullptr) stats = &local;
  const std::vector<std::string> formats = DeviceFormats();
  auto known = [&] {
    std::string k;
    for (const auto& f : formats) k += (k.empty() ? "" : ", ") + f;
    return k;
  };
  if (!options.format.empty() && std::find(formats.begin(), formats.end(), options.format) == formats.end())
    return Status::InvalidArgument("unknown device format \"" + options.format + "\"; known: " + known());
  IMPOSTOR_ASSIGN_OR_RETURN(std::unique_ptr<ingest::InputSource> opened, ingest::InputSource::Open(path));
  ingest::InputSource* source = opened.get();
  ingest::ChunkBuffer buffer(source);
  while (buffer.size() < kHeadBytes && !buffer.eof()) {
    IMPOSTOR_RETURN_IF_ERROR(buffer.Fill(0).status());
  }
  std::string_view head = buffer.view().substr(0, kHeadBytes);
  if (SkipSpace(head).empty() && buffer.eof()) {
    stats->bytes += buffer.bytes_read();
    return Status::OK();
  }
  std::string format = options.format.empty() ? DetectDeviceFormat(head) : options.format;
  if (format.empty())
    return Status::Unsupported(path + ": cannot tell the device format from the content; name it with --format (" +
                               known() + ")");
  DeviceRun run(path, format, on_observation, rejects, stats);
  std::string_view start = SkipSpace(head);
  Status status;
  if (format == "mdm.csv" || (format == "mde" && start[0] != '{' && start[0] != '[')) {
    status = ReadDeviceCsv(&buffer, &run, format);
  } else {
    ingest::JsonShape shape = ingest::DetectJsonShape(head);
    ingest::JsonSplitter splitter(
        shape.mode, [&](const ingest::RecordSpan& span) { run.JsonRecord(span); },
        [&](const ingest::StructureError& error) { run.Reject(error.line, error.reason, error.raw); });
    status = splitter.Run(&buffer);
  }
  stats->bytes += buffer.bytes_read();
  if (options.progress) options.progress(source->consumed_bytes(), source->total_bytes());
  if (!status.ok()) return status.WithContext("reading " + path);
  return Status::OK();
}

}  // namespace impostor
