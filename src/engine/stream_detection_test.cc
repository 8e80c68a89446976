// The lanes of stream detection see what the one-thread loop sees: every record in
// time order, per-account detectors before the baseline learns the record, the
// spanning detectors with each record's account index, and the same findings.
#include "engine/stream_detection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace impostor {
namespace {

// Writes down every record it observes (account index, time, whether the baseline
// already counted the record) and reports one finding per 100th record.
class Recorder final : public SignInDetector {
 public:
  explicit Recorder(bool spans) : spans_(spans) {
    info_.id = spans ? "test.spanning" : "test.account";
  }
  const DetectorInfo& info() const override { return info_; }
  bool SpansAccounts() const override { return spans_; }
  void Observe(const SignIn& s, const SignInContext& ctx, FindingSink& sink) override {
    std::string line = std::to_string(ctx.account) + "@" + std::to_string(s.time_ms);
    if (!spans_) line += "/" + std::to_string(ctx.profiles->profile(ctx.account).signins);
    seen.push_back(line);
    if (++n_ % 100 == 0) {
      Finding f;
      f.detector = info_.id;
      f.key = info_.id + "|" + std::to_string(n_);
      f.entity = s.account;
      sink.OnFinding(std::move(f));
    }
  }
  void Finish(FindingSink& sink) override {
    Finding f;
    f.detector = info_.id;
    f.key = info_.id + "|finish";
    sink.OnFinding(std::move(f));
  }
  std::vector<std::string> seen;

 private:
  bool spans_;
  DetectorInfo info_;
  size_t n_ = 0;
};

class ListSink final : public FindingSink {
 public:
  void OnFinding(Finding&& f) override { keys.push_back(f.key); }
  std::vector<std::string> keys;
};

struct LaneOutcome {
  std::vector<std::string> account_seen, spanning_seen, keys;
  uint64_t summary_signins = 0;
  size_t accounts = 0;
};

LaneOutcome Detect(int threads) {
  SignInSorter sorter(SignInSorter::Options{});
  // 5,000 records over 37 accounts, added out of time order, several batches long.
  for (uint64_t i = 0; i < 5000; ++i) {
    SignIn s;
    s.account = "user" + std::to_string((i * 7) % 37) + "@contoso.com";
    s.time_ms = 1714521600000 + static_cast<TimeMs>((i * 7919) % 5000) * 60000;
    s.ip_text = "81.2.69." + std::to_string(i % 200);
    s.ip = IpAddress::Parse(s.ip_text);
    s.geo.country = "GB";
    s.geo.lat = 51.5;
    s.geo.lon = -0.12;
    s.outcome = Outcome::kSuccess;
    EXPECT_TRUE(sorter.Add(s, i).ok());
  }
  std::vector<std::unique_ptr<SignInDetector>> detectors;
  detectors.push_back(std::make_unique<Recorder>(false));
  detectors.push_back(std::make_unique<Recorder>(true));
  AccountProfiles profiles;
  SignInSummary summary;
  ListSink sink;
  std::vector<bool> touched;
  StreamDetection d{&profiles, &detectors, &summary, &sink, &touched};
  EXPECT_TRUE(RunStreamDetection(sorter, d, threads).ok());
  LaneOutcome out;
  out.account_seen = static_cast<Recorder*>(detectors[0].get())->seen;
  out.spanning_seen = static_cast<Recorder*>(detectors[1].get())->seen;
  out.keys = sink.keys;
  out.summary_signins = summary.signins();
  out.accounts = profiles.size();
  return out;
}

TEST(StreamDetectionTest, LanesSeeWhatOneThreadSees) {
  const LaneOutcome one = Detect(1);
  const LaneOutcome lanes = Detect(2);
  ASSERT_EQ(one.account_seen.size(), 5000u);
  EXPECT_EQ(lanes.account_seen, one.account_seen);
  EXPECT_EQ(lanes.spanning_seen, one.spanning_seen);
  EXPECT_EQ(lanes.summary_signins, one.summary_signins);
  EXPECT_EQ(lanes.accounts, 37u);
  // The same findings; the spanning lane's own ones come after the per-account
  // lane's, then every Finish in registration order.
  std::vector<std::string> a = one.keys, b = lanes.keys;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
  ASSERT_GE(lanes.keys.size(), 2u);
  EXPECT_EQ(lanes.keys[lanes.keys.size() - 2], "test.account|finish");
  EXPECT_EQ(lanes.keys.back(), "test.spanning|finish");
}

}  // namespace
}  // namespace impostor
