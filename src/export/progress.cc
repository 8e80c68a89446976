#include "export/progress.h"

#include <unistd.h>

#include <chrono>
#include <cmath>

#include "export/table.h"

namespace impostor {

namespace {

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string FormatBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  if (bytes < 1000) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 999.95 && unit < 5) {
    v /= 1000;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 10 ? "%.1f %s" : "%.0f %s", v, kUnits[unit]);
  return buf;
}

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
  const uint64_t s = static_cast<uint64_t>(std::llround(seconds));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s / 60 % 60), static_cast<unsigned long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  }
  return buf;
}

std::string FormatProgressLine(const std::string& label, uint64_t done_bytes, uint64_t total_bytes,
                               uint64_t records, double elapsed_s) {
  std::string line = label;
  line += "  " + FormatBytes(done_bytes);
  if (total_bytes > 0) line += "/" + FormatBytes(total_bytes);
  if (elapsed_s > 0) {
    line += "  " + GroupThousands(static_cast<uint64_t>(static_cast<double>(records) / elapsed_s)) + " records/s";
    if (total_bytes > 0 && done_bytes > 0 && done_bytes <= total_bytes) {
      const double rate = static_cast<double>(done_bytes) / elapsed_s;
      line += "  ETA " + FormatDuration(static_cast<double>(total_bytes - done_bytes) / rate);
    }
  } else {
    line += "  " + GroupThousands(records) + " records";
  }
  return line;
}

ProgressReporter::ProgressReporter(std::FILE* out) : ProgressReporter(out, out && isatty(fileno(out)) != 0) {}

ProgressReporter::ProgressReporter(std::FILE* out, bool enabled, std::function<int64_t()> now_ms)
    : out_(out), enabled_(enabled && out != nullptr), now_ms_(now_ms ? std::move(now_ms) : SteadyNowMs) {
  if (enabled_) width_ = TerminalWidth(fileno(out_), 120);
}

ProgressReporter::~ProgressReporter() { Finish(); }

void ProgressReporter::Start(std::string label, uint64_t total_bytes) {
  label_ = std::move(label);
  total_bytes_ = total_bytes;
  start_ms_ = now_ms_();
  last_draw_ms_ = start_ms_ - kRedrawIntervalMs;  // the first Update draws
}

void ProgressReporter::Update(uint64_t done_bytes, uint64_t records) {
  if (!enabled_) return;
  const int64_t now = now_ms_();
  if (now - last_draw_ms_ < kRedrawIntervalMs) return;
  Draw(done_bytes, records, now);
}

void ProgressReporter::Draw(uint64_t done_bytes, uint64_t records, int64_t now) {
  last_draw_ms_ = now;
  const double elapsed = static_cast<double>(now - start_ms_) / 1000.0;
  // One column short of the width, so the cursor never wraps to a new line.
  const std::string line =
      TruncateToWidth(FormatProgressLine(label_, done_bytes, total_bytes_, records, elapsed), width_ - 1);
  std::fprintf(out_, "\r%s\x1b[K", line.c_str());
  std::fflush(out_);
  drawn_ = true;
}

void ProgressReporter::Finish() {
  if (!enabled_ || !drawn_) return;
  std::fputs("\r\x1b[K", out_);
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace impostor
