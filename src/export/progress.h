// Progress of a long run on one self-updating terminal line:
//
//   reading signins.jsonl.gz  1.2 GB/3.4 GB  412,000 records/s  ETA 0:05
//
// Drawn only when the output stream is a terminal, at most every 200 ms, and
// cleared by Finish(), so logs and pipes never see it.
//
// Thread safety: thread-compatible. Calls on one reporter must be serialised by
// the caller (typically only the reading thread calls Update).
#ifndef IMPOSTOR_EXPORT_PROGRESS_H_
#define IMPOSTOR_EXPORT_PROGRESS_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace impostor {

// "1.2 GB", "512 KB", "17 B" (decimal units, as file managers show sizes).
std::string FormatBytes(uint64_t bytes);
// "0:05", "12:34", "1:02:03".
std::string FormatDuration(double seconds);

// One progress line without control characters. `total_bytes` 0 means unknown
// (no total, no ETA); `elapsed_s` is the time since Start.
std::string FormatProgressLine(const std::string& label, uint64_t done_bytes, uint64_t total_bytes,
                               uint64_t records, double elapsed_s);

class ProgressReporter {
 public:
  // Draws on `out` when `enabled`; by default enabled when `out` is a terminal.
  explicit ProgressReporter(std::FILE* out = stderr);
  ProgressReporter(std::FILE* out, bool enabled, std::function<int64_t()> now_ms = nullptr);
  ~ProgressReporter();

  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  bool enabled() const { return enabled_; }

  // Begins a phase: "reading signins.jsonl.gz" of `total_bytes` (0 = unknown).
  void Start(std::string label, uint64_t total_bytes);
  // Reports the position; redraws when 200 ms have passed since the last draw.
  void Update(uint64_t done_bytes, uint64_t records);
  // Clears the line (the caller prints its own summary afterwards).
  void Finish();

  static constexpr int64_t kRedrawIntervalMs = 200;

 private:
  void Draw(uint64_t done_bytes, uint64_t records, int64_t now);

  std::FILE* out_;
  bool enabled_;
  std::function<int64_t()> now_ms_;
  std::string label_;
  uint64_t total_bytes_ = 0;
  int64_t start_ms_ = 0;
  int64_t last_draw_ms_ = 0;
  bool drawn_ = false;  // a line is on screen
  size_t width_ = 120;
};

}  // namespace impostor

#endif  // IMPOSTOR_EXPORT_PROGRESS_H_
