#include "detect/work_hours.h"

#include <unicode/timezone.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "common/json_writer.h"
#include "detect/account_profile.h"
#include "detect/evidence.h"
#include "detect/time_zones.h"

namespace impostor {

namespace {

constexpr char kId[] = "signin.work_hours";
constexpr uint8_t kBlobVersion = 1;

struct Histogram {
  std::array<uint16_t, 24> hours{};
  uint32_t total() const {
    uint32_t t = 0;
    for (uint16_t h : hours) t += h;
    return t;
  }
};

// Offsets (hours) of a zone or of every zone of a country at time t.
std::vector<double> ClaimedOffsets(const std::string& zone, const std::string& country, TimeMs t) {
  std::vector<double> out;
  auto add = [&](const icu::TimeZone& tz) {
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    tz.getOffset(static_cast<UDate>(t), false, raw, dst, status);
    if (U_SUCCESS(status)) out.push_back((raw + dst) / 3600000.0);
  };
  if (!zone.empty()) {
    std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(zone)));
    if (tz && *tz != icu::TimeZone::getUnknown()) add(*tz);
    if (!out.empty()) return out;
  }
  for (const auto& tz : ZonesOfCountry(country)) add(*tz);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

class WorkHoursDetector final : public SignInDetector {
 public:
  explicit WorkHoursDetector(const WorkHoursOptions& o) : opt_(o) {}

  const DetectorInfo& info() const override {
    static const DetectorInfo kInfo = WorkHoursInfo();
    return kInfo;
  }

  void Observe(const SignIn& s, const SignInContext& ctx, FindingSink&) override {
    profiles_ = ctx.profiles;
    if (s.outcome == Outcome::kFailure || !s.interactive) return;
    if (hist_.size() <= ctx.account) {
      hist_.resize(ctx.account + 1);
      touched_.resize(ctx.account + 1);
    }
    int64_t ms_of_day = ((s.time_ms % kMsPerDay) + kMsPerDay) % kMsPerDay;
    uint16_t& bucket = hist_[ctx.account].hours[ms_of_day / kMsPerHour];
    if (bucket < UINT16_MAX) ++bucket;
    touched_[ctx.account] = true;
    last_time_ = std::max(last_time_, s.time_ms);
  }

  void Finish(FindingSink& sink) override {
    if (!profiles_) return;
    for (uint32_t i = 0; i < hist_.size(); ++i) {
      if (!touched_[i]) continue;
      const Histogram& h = hist_[i];
      uint32_t total = h.total();
      if (total < opt_.min_signins) continue;
      std::string account(profiles_->name(i));
      auto zone_it = opt_.claimed_zones.find(account);
      std::string zone = zone_it == opt_.claimed_zones.end() ? "" : zone_it->second;
      std::string country = UnpackCountry(profiles_->profile(i).HomeCountry());
      std::vector<double> claimed = ClaimedOffsets(zone, country, last_time_);
      if (claimed.empty()) continue;
      double claimed_best = -1, claimed_offset = 0, watch_best = -1, watch_offset = 0;
      for (double o : claimed) {
        double f = Fit(h, o);
        if (f > claimed_best) {
          claimed_best = f;
          claimed_offset = o;
        }
      }
      for (double o : opt_.watch_offsets_h) {
        if (std::find(claimed.begin(), claimed.end(), o) != claimed.end()) continue;  // the claim is itself UTC+8/+9
        double f = Fit(h, o);
        if (f > watch_best) {
          watch_best = f;
          watch_offset = o;
        }
      }
      if (watch_best < opt_.min_fit || watch_best - claimed_best < opt_.min_margin) continue;
      Finding f;
      f.detector = kId;
      f.entity_type = "account";
      f.entity = account;
      f.key = std::string(kId) + "|" + account;
      f.severity = Severity::kLow;
      f.confidence = std::clamp(0.2 + (watch_best - claimed_best) * 0.4, 0.2, 0.45);
      f.first_seen = profiles_->profile(i).first_seen;
      f.last_seen = profiles_->profile(i).last_seen;
      f.title = "Working hours of another time zone";
      char buf[256];
      std::snprintf(buf, sizeof buf,
                    ": %.0f%% of %u sign-ins fall in the %02.0f:00-%02.0f:00 working day of UTC%+.0f, %.0f%% in that of "
                    "the claimed zone (%s, UTC%+.1g)",
                    watch_best * 100, total, opt_.work_start_h, opt_.work_end_h, watch_offset, claimed_best * 100,
                    zone.empty() ? ("home country " + country).c_str() : zone.c_str(), claimed_offset);
      f.explanation = account + buf;
      JsonWriter w(&f.attributes_json);
      f.attributes_json.clear();
      w.BeginObject();
      w.Key("utc_hour_histogram");
      w.BeginArray();
      for (uint16_t v : h.hours) w.Int(v);
      w.EndArray();
      w.Field("watch_fit", watch_best);
      w.Field("watch_offset_hours", watch_offset);
      w.Field("claimed_fit", claimed_best);
      w.Field("claimed_offset_hours", claimed_offset);
      w.EndObject();
      sink.OnFinding(std::move(f));
    }
  }

  void SaveState(const AccountProfiles& profiles,
                 std::vector<std::pair<std::string, std::string>>* out) const override {
    for (uint32_t i = 0; i < hist_.size(); ++i) {
      if (hist_[i].total() == 0) continue;
      std::string blob(1, static_cast<char>(kBlobVersion));
      blob.append(reinterpret_cast<const char*>(hist_[i].hours.data()), sizeof(uint16_t) * 24);
      out->emplace_back(std::string(profiles.name(i)), std::move(blob));
    }
  }

  Status LoadState(AccountProfiles& profiles, std::string_view entity, std::string_view blob) override {
    if (blob.size() != 1 + 48 || static_cast<uint8_t>(blob[0]) != kBlobVersion)
      return Status::Corruption(std::string(kId) + " state of '" + std::string(entity) + "' has an unknown version or size");
    uint32_t idx = profiles.Intern(entity);
    if (hist_.size() <= idx) {
      hist_.resize(idx + 1);
      touched_.resize(idx + 1);
    }
    std::memcpy(hist_[idx].hours.data(), blob.data() + 1, 48);
    return Status::OK();
  }

  size_t StateBytes() const override { return hist_.capacity() * sizeof(Histogram) + touched_.capacity() / 8; }

 private:
  double Fit(const Histogram& h, double offset) const {
    uint32_t in = 0, total = 0;
    for (int utc = 0; utc < 24; ++utc) {
      double local = std::fmod(utc + offset + 48.0, 24.0);
      total += h.hours[utc];
      if (local >= opt_.work_start_h && local < opt_.work_end_h) in += h.hours[utc];
    }
    return total ? static_cast<double>(in) / total : 0;
  }

  WorkHoursOptions opt_;
  std::vector<Histogram> hist_;
  std::vector<bool> touched_;
  const AccountProfiles* profiles_ = nullptr;
  TimeMs last_time_ = 0;
};

}  // namespace

WorkHoursOptions WorkHoursOptions::FromParams(const DetectorParams& p) {
  WorkHoursOptions o;
  o.min_signins = p.Number("min_signins", o.min_signins);
  o.work_start_h = p.Number("work_start_h", o.work_start_h);
  o.work_end_h = p.Number("work_end_h", o.work_end_h);
  o.min_fit = p.Number("min_fit", o.min_fit);
  o.min_margin = p.Number("min_margin", o.min_margin);
  std::vector<double> offsets;
  for (const std::string& s : p.List("watch_offsets_h", {})) offsets.push_back(std::strtod(s.c_str(), nullptr));
  if (!offsets.empty()) o.watch_offsets_h = offsets;
  return o;
}

DetectorInfo WorkHoursInfo() {
  return {kId, "SignIn::Work_Hours",
          "The account's sign-in hours fit the working day of UTC+8/+9 much better than that of its claimed zone "
          "(people record, else every zone of its home country).",
          "Operators in China or North Korea sign in during their own day; weak alone, as many keep US hours on purpose.",
          "account", "incubating",
          {{"min_signins", "30", "count", "interactive sign-ins before an account is judged"},
           {"work_start_h", "8", "h", "local start of the working day"},
           {"work_end_h", "19", "h", "local end of the working day"},
           {"min_fit", "0.6", "share", "share of sign-ins inside the watched zone's working day"},
           {"min_margin", "0.25", "share", "how much better the watched zone must fit than the claimed one"},
           {"watch_offsets_h", "[8, 9]", "h", "UTC offsets watched"}}};
}

std::unique_ptr<SignInDetector> MakeWorkHoursDetector(const WorkHoursOptions& options) {
  return std::make_unique<WorkHoursDetector>(options);
}

}  // namespace impostor
