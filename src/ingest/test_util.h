// Test helpers for the reader tests: read a file or a string and collect
// everything that comes out. Test-only; included by *_test.cc.
#ifndef IMPOSTOR_INGEST_TEST_UTIL_H_
#define IMPOSTOR_INGEST_TEST_UTIL_H_

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "ingest/reader.h"

namespace impostor {
namespace testing_util {

class CollectingRejects : public RejectSink {
 public:
  void OnReject(const Reject& reject) override { rejects.push_back(reject); }
  std::vector<Reject> rejects;
};

struct ReadOutput {
  Status status;
  std::vector<SignIn> signins;
  std::vector<Reject> rejects;
  ReadStats stats;
};

inline ReadOutput ReadPath(const std::string& path, const ReadOptions& options = {}) {
  ReadOutput out;
  CollectingRejects sink;
  out.status = ReadSignIns(path, options, [&](SignIn&& s) { out.signins.push_back(std::move(s)); }, sink,
                           &out.stats);
  out.rejects = std::move(sink.rejects);
  return out;
}

inline ReadOptions Forced(const std::string& format) {
  ReadOptions options;
  options.format = format;
  return options;
}

inline std::string SamplePath(const std::string& name) {
  return std::string(IMPOSTOR_TEST_DATA_DIR) + "/signins/samples/" + name;
}
inline std::string HandmadePath(const std::string& name) {
  return std::string(IMPOSTOR_TEST_DATA_DIR) + "/signins/handmade/" + name;
}

// Writes `content` to a fresh temporary file and removes it on destruction.
class TempFile {
 public:
  explicit TempFile(const std::string& content, const std::string& suffix = ".json") {
    char name[] = "/tmp/impostor_ingest_XXXXXX";
    int fd = mkstemp(name);
    close(fd);
    path_ = std::string(name) + suffix;
    std::rename(name, path_.c_str());
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline ReadOutput ReadText(const std::string& content, const ReadOptions& options = {}) {
  TempFile file(content);
  return ReadPath(file.path(), options);
}

}  // namespace testing_util
}  // namespace impostor

#endif  // IMPOSTOR_INGEST_TEST_UTIL_H_
