// The I/O shell of the sign-in readers: opens a path, a gzip file (recognised by
// its magic bytes, whatever its name), a member of a zip / tar / tar.gz archive
// ("logs.zip!/signins.json", through libarchive) or stdin ("-"), and cuts the
// byte stream into records without holding the whole input in memory.
//
//   InputSource     bytes out of a file / gzip / stdin, with progress counters
//   ChunkBuffer     a window over the stream: complete records are handed out,
//                   the incomplete tail is carried into the next read
//   JsonSplitter    JSON records with the 1-based line where each starts:
//                   one object per line (NDJSON), or the elements of a JSON
//                   array / {"value"|"records"|"Records"|"items": [...]} page,
//                   or whole top-level objects (pretty-printed or concatenated)
//
// Every record span handed out is followed by at least SIMDJSON_PADDING
// readable bytes, so simdjson can parse it in place.
//
// Thread safety: none; one object per reading thread.
#ifndef IMPOSTOR_INGEST_INPUT_SOURCE_H_
#define IMPOSTOR_INGEST_INPUT_SOURCE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace impostor {
namespace ingest {

// Separates an archive's path from a member's name in an input name.
inline constexpr std::string_view kArchiveMemberSeparator = "!/";

// The inputs inside the archive at `path` (zip, tar, tar.gz / .tgz, tar.bz2,
// tar.xz), one "<path>!/<member>" name per regular file, in archive order; an
// empty list when `path` is not an archive (any other file, stdin). A damaged
// archive is Corruption.
Result<std::vector<std::string>> ListArchiveMembers(const std::string& path);

class InputSource {
 public:
  // "-" reads stdin. A missing or unreadable file is NotFound / IOError.
  // "<archive>!/<member>" reads one member of an archive. An archive named
  // itself is read as its one member; one of several members is
  // InvalidArgument naming them.
  static Result<std::unique_ptr<InputSource>> Open(const std::string& path);
  ~InputSource();
  InputSource(const InputSource&) = delete;
  InputSource& operator=(const InputSource&) = delete;

  // Reads up to `n` bytes (decompressed); 0 at the end. Corruption when a gzip
  // stream is damaged or cut short.
  Result<size_t> Read(char* buffer, size_t n);

  uint64_t total_bytes() const { return total_bytes_; }  // on-disk size; 0 for stdin
  uint64_t consumed_bytes() const;                       // on-disk bytes consumed so far
  const std::string& path() const { return path_; }

 private:
  InputSource() = default;
  Status OpenMember(const std::string& archive, const std::string& member);
  std::string path_;
  void* gz_ = nullptr;       // gzFile; reads plain files unchanged
  void* archive_ = nullptr;  // struct archive*, positioned at the member being read
  uint64_t member_read_ = 0;
  uint64_t total_bytes_ = 0;
};

// Largest single record (one line, one array element, one CSV row) kept; a
// longer one is rejected and skipped, so a file without line breaks cannot
// exhaust memory.
constexpr size_t kMaxRecordBytes = size_t{256} << 20;
// Reject::raw is cut to this length.
constexpr size_t kMaxRawBytes = 4096;

class ChunkBuffer {
 public:
  explicit ChunkBuffer(InputSource* source, size_t chunk_bytes = size_t{1} << 20);

  // Drops bytes before `keep_from` (an offset in data()), then appends the next
  // chunk. Returns false at the end of input (eof() becomes true).
  Result<bool> Fill(size_t keep_from);

  const char* data() const { return storage_.data(); }
  size_t size() const { return size_; }
  bool eof() const { return eof_; }
  std::string_view view() const { return std::string_view(storage_.data(), size_); }
  uint64_t bytes_read() const { return bytes_read_; }
  // Offset of data() in the whole stream.
  uint64_t stream_offset() const { return stream_offset_; }
  // Bytes readable from `offset` to the end of the allocation (>= padding).
  size_t capacity_from(size_t offset) const { return storage_.size() - offset; }
  InputSource* source() const { return source_; }

 private:
  InputSource* source_;
  size_t chunk_bytes_;
  std::vector<char> storage_;
  size_t size_ = 0;
  bool eof_ = false;
  uint64_t bytes_read_ = 0;
  uint64_t stream_offset_ = 0;
};

// A record span inside the ChunkBuffer, valid until the next Fill.
struct RecordSpan {
  const char* data;
  size_t size;
  size_t capacity;  // readable bytes from data (size + padding at least)
  uint64_t line;    // 1-based line where it starts
};

// Something wrong with the structure around records (not inside one): a
// truncated document, garbage between values, an oversized record.
struct StructureError {
  uint64_t line;
  std::string reason;
  std::string raw;
};

class JsonSplitter {
 public:
  enum class Mode { kLines, kDocument };
  using RecordFn = std::function<void(const RecordSpan&)>;
  using ErrorFn = std::function<void(const StructureError&)>;

  JsonSplitter(Mode mode, RecordFn on_record, ErrorFn on_error)
      : mode_(mode), on_record_(std::move(on_record)), on_error_(std::move(on_error)) {}

  // Consumes the buffer to its end, filling it as needed.
  Status Run(ChunkBuffer* buffer);

 private:
  Status RunLines(ChunkBuffer* buffer);
  Status RunDocument(ChunkBuffer* buffer);

  Mode mode_;
  RecordFn on_record_;
  ErrorFn on_error_;
};

// How a JSON input is laid out, judged from its first bytes.
struct JsonShape {
  JsonSplitter::Mode mode = JsonSplitter::Mode::kLines;
  bool unwrap_event = false;  // test-fixture wrappers {source, test_name, ..., event{...}}
};
JsonShape DetectJsonShape(std::string_view head);

}  // namespace ingest
}  // namespace impostor

#endif  // IMPOSTOR_INGEST_INPUT_SOURCE_H_
