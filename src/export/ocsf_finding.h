// OCSF export: a Finding as an OCSF Detection Finding (class 2004) event, one
// compact JSON object per line. The mapping is documented in docs/outputs.md.
//
// Thread safety: the free functions are pure and thread-safe. A FindingWriter
// owns its output stream and must be used from one thread at a time.
#ifndef IMPOSTOR_EXPORT_OCSF_FINDING_H_
#define IMPOSTOR_EXPORT_OCSF_FINDING_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "common/status.h"
#include "detect/finding.h"

namespace impostor {

class OcsfContext;

struct OcsfOptions {
  // metadata.version: the OCSF schema version the consumer ingests. Default "1.3.0".
  std::string schema_version = "1.3.0";
  // metadata.product.version: the impostor version that produced the event.
  std::string product_version = "0.1.0";
  // `time` of a finding without a time of its own (ms since the epoch); 0 = the
  // clock when the event is written.
  TimeMs now_ms = 0;
  // Tenants, store times and verdicts (export/ocsf_context.h); nullptr = only what
  // the finding itself carries. Not owned; must outlive the writer.
  const OcsfContext* context = nullptr;
};

// OCSF Finding activity_id: a new key is Create, a repeat merged into a stored
// finding is Update; a finding an analyst judged after its last update is Close
// (decided by the writer from the context's verdict).
enum class FindingActivity : uint8_t { kCreate = 1, kUpdate = 2, kClose = 3 };

// Appends the event for `finding` to *out as one compact JSON object (no newline).
void AppendOcsfFinding(const Finding& finding, FindingActivity activity, const OcsfOptions& options,
                       std::string* out);
std::string OcsfFindingJson(const Finding& finding, FindingActivity activity, const OcsfOptions& options);

// confidence_id for a 0..1 confidence: 1 Low (< 0.5), 2 Medium (< 0.8), 3 High.
int OcsfConfidenceId(double confidence);

// Writes OCSF finding events as JSON lines to a file or to stdout ("-").
class FindingWriter {
 public:
  // Creates (truncates) `path`, or writes to stdout when path is "-".
  static Result<std::unique_ptr<FindingWriter>> Open(const std::string& path, OcsfOptions options = {});
  ~FindingWriter();

  FindingWriter(const FindingWriter&) = delete;
  FindingWriter& operator=(const FindingWriter&) = delete;

  // Writes one event; `created` picks Create or Update.
  Status Write(const Finding& finding, bool created);
  // Flushes and closes; reports a failed write (disk full) naming the path.
  // Called by the destructor if not called before (errors are then lost).
  Status Close();

  uint64_t written() const { return written_; }
  const std::string& path() const { return path_; }

 private:
  FindingWriter(std::FILE* file, bool owned, std::string path, OcsfOptions options)
      : file_(file), owned_(owned), path_(std::move(path)), options_(std::move(options)) {}

  std::FILE* file_;
  bool owned_;
  std::string path_;
  OcsfOptions options_;
  std::string line_;  // reused buffer
  uint64_t written_ = 0;
};

}  // namespace impostor

#endif  // IMPOSTOR_EXPORT_OCSF_FINDING_H_
