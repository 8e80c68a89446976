// Helpers shared by the libFuzzer harnesses (fuzz/*_fuzzer.cc): a memory file for
// readers that take a path, a reject sink that only counts, and the choice of a
// forced format from the input's last byte. Fuzz-build only.
//
// Thread safety: none; libFuzzer runs one input at a time.
#ifndef IMPOSTOR_FUZZ_FUZZ_UTIL_H_
#define IMPOSTOR_FUZZ_FUZZ_UTIL_H_

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/reader.h"

namespace impostor {
namespace fuzz {

// An anonymous in-memory file (memfd) rewritten for each input; path() names it
// through /proc/self/fd, so readers that open a path read exactly the input,
// through their real I/O shell (gzip detection, chunking), without touching disk.
class MemFile {
 public:
  MemFile() {
    fd_ = memfd_create("impostor-fuzz", MFD_CLOEXEC);
    if (fd_ < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemFile() { close(fd_); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;

  // Replaces the content with `data`.
  void Write(std::string_view data) {
    if (ftruncate(fd_, 0) != 0 || pwrite(fd_, data.data(), data.size(), 0) != static_cast<ssize_t>(data.size())) {
      std::perror("memfd write");
      std::abort();
    }
  }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

// Counts rejects and touches every field, so a reject built from freed or
// uninitialised memory shows up under ASan.
class CountingSink : public RejectSink {
 public:
  void OnReject(const Reject& reject) override {
    ++count;
    checksum += reject.file.size() + reject.line + reject.reason.size() + reject.raw.size();
    if (reject.raw.size() > 4096 + 16) std::abort();  // raw is documented as cut to 4 KiB
  }
  uint64_t count = 0;
  uint64_t checksum = 0;
};

// The format a harness forces for this input besides detecting one: picked by the
// input's last byte, so the seed files need no preparation and a mutation of
// that byte moves the input to another reader.
inline std::string ForcedFormat(const uint8_t* data, size_t size, const std::vector<std::string>& formats) {
  if (size == 0 || formats.empty()) return "";
  return formats[data[size - 1] % formats.size()];
}

}  // namespace fuzz
}  // namespace impostor

#endif  // IMPOSTOR_FUZZ_FUZZ_UTIL_H_
