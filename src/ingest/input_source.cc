#include "ingest/input_source.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace impostor {
namespace ingest {

// ---- Archives

namespace {

struct archive* NewArchiveReader() {
  struct archive* a = archive_read_new();
  archive_read_support_format_zip(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_bzip2(a);
  archive_read_support_filter_xz(a);
  return a;
}

bool IsRegularFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

enum class Magic { kOther, kZip, kGzip, kTar };

// What the first bytes say: a zip or tar header, or gzip (which may hold a tar).
Magic FileMagic(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Magic::kOther;
  char head[512];
  ssize_t n = read(fd, head, sizeof head);
  close(fd);
  if (n >= 4 && std::memcmp(head, "PK\x03\x04", 4) == 0) return Magic::kZip;
  if (n >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b) {
    return Magic::kGzip;
  }
  if (n >= 262 && std::memcmp(head + 257, "ustar", 5) == 0) return Magic::kTar;
  return Magic::kOther;
}

bool MayBeArchive(const std::string& path) { return FileMagic(path) != Magic::kOther; }

}  // namespace

Result<std::vector<std::string>> ListArchiveMembers(const std::string& path) {
  std::vector<std::string> members;
  if (path == "-" || !IsRegularFile(path) || !MayBeArchive(path)) return members;
  struct archive* a = NewArchiveReader();
  int r = archive_read_open_filename(a, path.c_str(), 64 * 1024);
  struct archive_entry* entry = nullptr;
  while (r == ARCHIVE_OK || r == ARCHIVE_WARN) {
    r = archive_read_next_header(a, &entry);
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) break;
    if (archive_entry_filetype(entry) == AE_IFREG) {
      members.push_back(path + std::string(kArchiveMemberSeparator) + archive_entry_pathname(entry));
    }
    r = archive_read_data_skip(a);
  }
  const bool gzip = FileMagic(path) == Magic::kGzip;
  std::string error = r == ARCHIVE_EOF ? "" : (archive_error_string(a) ? archive_error_string(a) : "unreadable");
  archive_read_free(a);
  if (error.empty()) return members;
  // A gzip file that holds no tar is an ordinary (gzip) input, not a damaged archive.
  if (members.empty() && gzip) return members;
  return Status::Corruption(path + ": damaged archive (" + error + ")");
}

Status InputSource::OpenMember(const std::string& archive_path, const std::string& member) {
  struct archive* a = NewArchiveReader();
  if (archive_read_open_filename(a, archive_path.c_str(), 64 * 1024) != ARCHIVE_OK) {
    std::string error = archive_error_string(a) ? archive_error_string(a) : "not an archive";
    archive_read_free(a);
    return Status::Corruption(archive_path + ": cannot read the archive (" + error + ")");
  }
  struct archive_entry* entry = nullptr;
  int r;
  while ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    if (archive_entry_filetype(entry) == AE_IFREG && member == archive_entry_pathname(entry)) {
      archive_ = a;
      if (archive_entry_size_is_set(entry)) total_bytes_ = static_cast<uint64_t>(archive_entry_size(entry));
      return Status::OK();
    }
    archive_read_data_skip(a);
  }
  std::string error = r == ARCHIVE_EOF ? "" : (archive_error_string(a) ? archive_error_string(a) : "");
  archive_read_free(a);
  if (!error.empty()) return Status::Corruption(archive_path + ": damaged archive (" + error + ")");
  return Status::NotFound("no member " + member + " in " + archive_path);
}

// ---- InputSource

Result<std::unique_ptr<InputSource>> InputSource::Open(const std::string& path) {
  std::unique_ptr<InputSource> source(new InputSource());
  source->path_ = path;
  // "<archive>!/<member>", unless a file of that very name exists.
  size_t separator = path.find(kArchiveMemberSeparator);
  if (separator != std::string::npos && !IsRegularFile(path) && IsRegularFile(path.substr(0, separator))) {
    IMPOSTOR_RETURN_IF_ERROR(
        source->OpenMember(path.substr(0, separator), path.substr(separator + kArchiveMemberSeparator.size())));
    return source;
  }
  if (path != "-" && IsRegularFile(path) && MayBeArchive(path)) {
    IMPOSTOR_ASSIGN_OR_RETURN(std::vector<std::string> members, ListArchiveMembers(path));
    if (members.size() == 1) {
      size_t at = path.size() + kArchiveMemberSeparator.size();
      IMPOSTOR_RETURN_IF_ERROR(source->OpenMember(path, members[0].substr(at)));
      return source;
    }
    if (members.size() > 1) {
      return Status::InvalidArgument(path + ": an archive of " + std::to_string(members.size()) +
                                     " files; name one as " + members[0] +
                                     ", or pass the archive to 'impostor scan'"
                                     ", which reads each");
    }
  }
  int fd = -1;
  if (path == "-") {
    fd = dup(STDIN_FILENO);
    if (fd < 0) return Status::IOError(std::string("cannot read stdin: ") + std::strerror(errno));
  } else {
    fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      if (err == ENOENT) return Status::NotFound("no such file: " + path);
      return Status::IOError("cannot open " + path + ": " + std::strerror(err));
    }
    struct stat st;
    if (fstat(fd, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        close(fd);
        return Status::InvalidArgument(path + " is a directory, not a sign-in file");
      }
      if (S_ISREG(st.st_mode)) source->total_bytes_ = static_cast<uint64_t>(st.st_size);
    }
  }
  // zlib recognises the gzip magic (1f 8b) and passes anything else through.
  gzFile gz = gzdopen(fd, "rb");
  if (gz == nullptr) {
    close(fd);
    return Status::IOError("cannot read " + path + ": out of memory opening the stream");
  }
  gzbuffer(gz, 256 * 1024);
  source->gz_ = gz;
  return source;
}

InputSource::~InputSource() {
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
  if (archive_ != nullptr) archive_read_free(static_cast<struct archive*>(archive_));
}

Result<size_t> InputSource::Read(char* buffer, size_t n) {
  if (archive_ != nullptr) {
    struct archive* a = static_cast<struct archive*>(archive_);
    la_ssize_t got = archive_read_data(a, buffer, n);
    if (got < 0) {
      return Status::Corruption(path_ + ": damaged archive member (" +
                                (archive_error_string(a) ? archive_error_string(a) : "unknown") + ")");
    }
    member_read_ += static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }
  gzFile gz = static_cast<gzFile>(gz_);
  unsigned want = static_cast<unsigned>(std::min<size_t>(n, INT_MAX / 2));
  int got = gzread(gz, buffer, want);
  int err = Z_OK;
  const char* message = gzerror(gz, &err);
  if (got < 0 || (err != Z_OK && err != Z_STREAM_END && !(err == Z_BUF_ERROR && got > 0))) {
    if (err == Z_BUF_ERROR) {
      return Status::Corruption(path_ + ": the gzip stream ends early (truncated file)");
    }
    return Status::Corruption(path_ + ": damaged gzip data (" + (message ? message : "unknown") + ")");
  }
  return static_cast<size_t>(got);
}

uint64_t InputSource::consumed_bytes() const {
  if (archive_ != nullptr) return member_read_;  // of the member's size, total_bytes()
  long offset = gzoffset(static_cast<gzFile>(gz_));
  return offset < 0 ? 0 : static_cast<uint64_t>(offset);
}

// ---- ChunkBuffer

ChunkBuffer::ChunkBuffer(InputSource* source, size_t chunk_bytes)
    : source_(source), chunk_bytes_(chunk_bytes) {
  // A small file needs no 1 MiB window: allocating and clearing one per input
  // dominated the cost of reading many small files (the fuzz harnesses read
  // thousands a second). 64 KiB at least, so gzip inputs still read in large steps.
  constexpr size_t kMinChunk = size_t{64} << 10;
  if (source_ != nullptr && source_->total_bytes() > 0)
    chunk_bytes_ = std::min(chunk_bytes_, std::max<size_t>(kMinChunk, 2 * source_->total_bytes()));
  storage_.resize(chunk_bytes_ + simdjson::SIMDJSON_PADDING);
}

Result<bool> ChunkBuffer::Fill(size_t keep_from) {
  if (keep_from > size_) keep_from = size_;
  if (keep_from > 0) {
    std::memmove(storage_.data(), storage_.data() + keep_from, size_ - keep_from);
    size_ -= keep_from;
    stream_offset_ += keep_from;
  }
  if (eof_) return false;
  // Grow geometrically while one record spans many chunks.
  size_t want = std::max(chunk_bytes_, size_);
  if (storage_.size() < size_ + want + simdjson::SIMDJSON_PADDING) {
    storage_.resize(size_ + want + simdjson::SIMDJSON_PADDING);
  }
  Result<size_t> got = source_->Read(storage_.data() + size_, want);
  if (!got.ok()) {
    eof_ = true;
    return got.status();
  }
  if (*got == 0) {
    eof_ = true;
    return false;
  }
  size_ += *got;
  bytes_read_ += *got;
  std::memset(storage_.data() + size_, ' ', std::min<size_t>(simdjson::SIMDJSON_PADDING, storage_.size() - size_));
  return true;
}

// ---- JsonSplitter

Status JsonSplitter::Run(ChunkBuffer* buffer) {
  return mode_ == Mode::kLines ? RunLines(buffer) : RunDocument(buffer);
}

namespace {

std::string Raw(const char* data, size_t size) {
  return std::string(data, std::min(size, kMaxRawBytes));
}

}  // namespace

Status JsonSplitter::RunLines(ChunkBuffer* buffer) {
  size_t pos = 0;
  uint64_t line = 1;
  bool discarding = false;  // skipping the rest of an oversized line
  while (true) {
    const char* data = buffer->data();
    size_t size = buffer->size();
    while (pos < size) {
      const void* nl = std::memchr(data + pos, '\n', size - pos);
      if (nl == nullptr) break;
      size_t end = static_cast<const char*>(nl) - data;
      if (discarding) {
        discarding = false;
      } else {
        on_record_({data + pos, end - pos, buffer->capacity_from(pos), line});
      }
      pos = end + 1;
      ++line;
    }
    if (buffer->eof()) {
      if (pos < size && !discarding) on_record_({data + pos, size - pos, buffer->capacity_from(pos), line});
      return Status::OK();
    }
    if (!discarding && size - pos > kMaxRecordBytes) {
      on_error_({line, "line longer than " + std::to_string(kMaxRecordBytes >> 20) + " MiB; skipped",
                 Raw(data + pos, size - pos)});
      discarding = true;
    }
    if (discarding) pos = size;
    Result<bool> more = buffer->Fill(pos);
    pos = 0;
    if (!more.ok()) return more.status();
  }
}

namespace {

bool IsWrapperKey(std::string_view key) {
  return key == "value" || key == "records" || key == "Records" || key == "items";
}

}  // namespace

Status JsonSplitter::RunDocument(ChunkBuffer* buffer) {
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t i = 0;
  uint64_t line = 1;
  int depth = 0;
  bool in_string = false, escape = false;
  int record_depth = -1;  // nesting depth whose values are records; -1: the top value itself
  bool top_is_object = false, wrapper = false, expecting_key = false, wrapper_key = false;
  // Elasticsearch _search responses keep their records one level down, under
  // {"hits": {"hits": [...]}}: key_depth is 2 inside the outer "hits" object.
  int key_depth = 1;
  bool hits_key = false;
  size_t top_start = kNone, record_start = kNone, key_start = kNone, garbage_start = kNone;
  uint64_t top_line = 0, record_line = 0, garbage_line = 0;

  auto emit = [&](size_t start, size_t end, uint64_t at_line) {
    const char* data = buffer->data();
    while (end > start && (data[end - 1] == ' ' || data[end - 1] == '\n' || data[end - 1] == '\r' ||
                           data[end - 1] == '\t')) {
      --end;
    }
    on_record_({data + start, end - start, buffer->capacity_from(start), at_line});
  };
  auto flush_garbage = [&](size_t end) {
    if (garbage_start == kNone) return;
    on_error_({garbage_line, "not JSON: text outside any JSON object or array",
               Raw(buffer->data() + garbage_start, end - garbage_start)});
    garbage_start = kNone;
  };
  auto mark_garbage = [&](size_t at) {
    if (garbage_start == kNone) {
      garbage_start = at;
      garbage_line = line;
    }
  };

  while (true) {
    const char* data = buffer->data();
    size_t size = buffer->size();
    while (i < size) {
      char c = data[i];
      if (in_string) {
        if (escape) {
          escape = false;
          if (c == '\n') ++line;
          ++i;
          continue;
        }
        // Skip plain string bytes quickly.
        while (i < size && data[i] != '"' && data[i] != '\\' && data[i] != '\n') ++i;
        if (i >= size) break;
        c = data[i];
        if (c == '\\') {
          escape = true;
        } else if (c == '\n') {
          ++line;
        } else {  // closing quote
          in_string = false;
          if (key_start != kNone) {
            std::string_view key(data + key_start + 1, i - key_start - 1);
            wrapper_key = key_depth == 1 ? IsWrapperKey(key) : key == "hits";
            hits_key = key_depth == 1 && key == "hits";
            key_start = kNone;
          }
        }
        ++i;
        continue;
      }
      switch (c) {
        case '\n':
          ++line;
          if (depth == 0) flush_garbage(i);
          break;
        case ' ':
        case '\t':
        case '\r':
          break;
        case '"':
          if (depth == 0) {
            mark_garbage(i);
          } else if (depth == record_depth && record_start == kNone) {
            record_start = i;
            record_line = line;
          } else if (depth == key_depth && top_is_object && expecting_key) {
            key_start = i;
          }
          in_string = true;
          break;
        case '{':
        case '[':
          if (depth == 0) {
            flush_garbage(i);
            top_start = i;
            top_line = line;
            top_is_object = (c == '{');
            wrapper = wrapper_key = hits_key = false;
            key_depth = 1;
            expecting_key = top_is_object;
            record_depth = top_is_object ? -1 : 1;
          } else if (depth == record_depth && record_start == kNone) {
            record_start = i;
            record_line = line;
          } else if (depth == key_depth && top_is_object && c == '[' && wrapper_key && !wrapper && !expecting_key) {
            wrapper = true;
            record_depth = key_depth + 1;
            top_start = kNone;  // the page itself is not a record
          } else if (depth == 1 && top_is_object && c == '{' && hits_key && !wrapper && !expecting_key) {
            key_depth = 2;  // look for "hits": [...] inside
            expecting_key = true;
            hits_key = false;
          }
          ++depth;
          break;
        case '}':
        case ']':
          if (depth == 0) {
            mark_garbage(i);
            break;
          }
          --depth;
          if (record_start != kNone) {
            if (depth == record_depth) {
              emit(record_start, i + 1, record_line);
              record_start = kNone;
            } else if (depth + 1 == record_depth) {  // a scalar element before ']'
              emit(record_start, i, record_line);
              record_start = kNone;
            }
          }
          if (depth == 1 && key_depth == 2) {  // the outer "hits" object closed
            key_depth = 1;
            expecting_key = false;
          }
          if (depth == 0) {
            if (top_is_object && !wrapper && top_start != kNone) emit(top_start, i + 1, top_line);
            top_start = kNone;
            record_depth = -1;
            key_depth = 1;
            top_is_object = wrapper = false;
          }
          break;
        case ',':
          if (depth == 0) {
            mark_garbage(i);
          } else if (depth == record_depth && record_start != kNone) {  // after a scalar element
            emit(record_start, i, record_line);
            record_start = kNone;
          }
          if (depth == key_depth && top_is_object) {
            expecting_key = true;
            wrapper_key = hits_key = false;
          }
          break;
        case ':':
          if (depth == 0) mark_garbage(i);
          if (depth == key_depth) expecting_key = false;
          break;
        default:
          if (depth == 0) {
            mark_garbage(i);
          } else if (depth == record_depth && record_start == kNone) {
            record_start = i;
            record_line = line;
          }
          break;
      }
      ++i;
    }

    if (buffer->eof()) {
      if (garbage_start != kNone) flush_garbage(size);
      if (depth > 0 || in_string) {
        if (record_start != kNone) {
          on_error_({record_line, "truncated JSON: the input ends inside this record",
                     Raw(data + record_start, size - record_start)});
        } else if (top_start != kNone) {
          on_error_({top_line, "truncated JSON: the input ends inside this record",
                     Raw(data + top_start, size - top_start)});
        } else {
          on_error_({line, "truncated JSON: the input ends before the document's closing bracket", ""});
        }
      }
      return Status::OK();
    }
    size_t keep = i;
    for (size_t start : {record_start, key_start, garbage_start}) keep = std::min(keep, start);
    if (top_is_object && !wrapper && top_start != kNone) keep = std::min(keep, top_start);
    if (i - keep > kMaxRecordBytes) {
      on_error_({record_start != kNone ? record_line : top_line,
                 "JSON record longer than " + std::to_string(kMaxRecordBytes >> 20) + " MiB; the rest of the input is skipped",
                 Raw(data + keep, i - keep)});
      return Status::OK();
    }
    IMPOSTOR_RETURN_IF_ERROR(buffer->Fill(keep).status());
    i -= keep;
    for (size_t* start : {&record_start, &key_start, &garbage_start, &top_start}) {
      if (*start != kNone) *start = *start >= keep ? *start - keep : kNone;
    }
  }
}

// ---- Shape detection

JsonShape DetectJsonShape(std::string_view head) {
  JsonShape shape;
  size_t i = 0;
  if (head.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) ++i;
  if (head.find("\"test_name\"") != std::string_view::npos &&
      head.find("\"event\"") != std::string_view::npos) {
    shape.unwrap_event = true;
  }
  if (i >= head.size() || head[i] == '[') {
    shape.mode = JsonSplitter::Mode::kDocument;
    return shape;
  }
  // An object: one per line unless it spans lines or is a page of records.
  int depth = 0;
  bool in_string = false, escape = false, expecting_key = true, wrapper_key = false, hits_key = false;
  size_t key_start = 0;
  bool line_ended = false;
  for (size_t j = i; j < head.size() && !line_ended; ++j) {
    char c = head[j];
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
        if (depth == 1 && expecting_key) {
          std::string_view key = head.substr(key_start + 1, j - key_start - 1);
          wrapper_key = IsWrapperKey(key);
          hits_key = key == "hits";
        }
      }
      continue;
    }
    if (c == '\n') {  // the first object does not end on its first line
      line_ended = true;
      break;
    }
    if (c == '"') {
      in_string = true;
      key_start = j;
    } else if (c == ':' && depth == 1) {
      expecting_key = false;
    } else if (c == ',' && depth == 1) {
      expecting_key = true;
    } else if (c == '{' || c == '[') {
      if (depth == 1 && !expecting_key && ((c == '[' && wrapper_key) || (c == '{' && hits_key))) {
        shape.mode = JsonSplitter::Mode::kDocument;  // a page, or an Elasticsearch _search response
        return shape;
      }
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) {
        shape.mode = JsonSplitter::Mode::kLines;
        return shape;
      }
    }
  }
  // Spans lines: pretty-printed. Still open at the end of a long head: one
  // very long line, read line by line.
  shape.mode = line_ended ? JsonSplitter::Mode::kDocument : JsonSplitter::Mode::kLines;
  return shape;
}

}  // namespace ingest
}  // namespace impostor
