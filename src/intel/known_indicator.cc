#include "intel/known_indicator.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/json_writer.h"
#include "common/strings.h"
#include "detect/evidence.h"
#include "intel/hashing.h"
#include "intel/indicators.h"
#include "resolve/normalize.h"

namespace impostor {

namespace {

std::string IndexKey(const std::string& key_id, const std::string& kind, const std::string& value) {
  std::string k = key_id;
  k.push_back('\0');
  k += kind;
  k.push_back('\0');
  k += value;
  return k;
}

Severity SeverityOf(const std::string& kind) {
  if (kind == kKindIp) return Severity::kMedium;
  if (kind == kKindName) return Severity::kLow;
  return Severity::kHigh;
}

double ConfidenceOf(const std::string& kind) {
  if (kind == kKindIp) return 0.6;
  if (kind == kKindName) return 0.3;
  return 0.9;
}

const char* KindWords(const std::string& kind) {
  if (kind == kKindEmail) return "e-mail";
  if (kind == kKindPhone) return "phone";
  if (kind == kKindName) return "name";
  if (kind == kKindIp) return "address";
  if (kind == kKindNationalId) return "national id";
  return "account";
}

// One finding in the making: a local entity matched one indicator.
struct Hit {
  Finding finding;
  std::string local_value;
};

class HitCollector {
 public:
  explicit HitCollector(FindingSink& sink) : sink_(sink) {}

  // A match of `local` (kind, normalised value) of `entity` against `indicator`.
  Hit& At(const std::string& entity_type, const std::string& entity, const std::string& kind,
          const std::string& local, const SharedIndicator& indicator, TimeMs time) {
    const std::string key = std::string(kKnownIndicatorDetector) + "|" + entity + "|" + kind + ":" +
                            (indicator.hmac_key_id.empty() ? indicator.value : indicator.value.substr(0, 16)) + "|" +
                            indicator.source;
    auto [it, fresh] = hits_.try_emplace(key);
    Hit& h = it->second;
    Finding& f = h.finding;
    if (fresh) {
      order_.push_back(key);
      f.detector = kKnownIndicatorDetector;
      f.key = key;
      f.entity_type = entity_type;
      f.entity = entity;
      f.severity = SeverityOf(kind);
      f.confidence = ConfidenceOf(kind);
      f.title = "Known indicator";
      f.count = 0;
      h.local_value = local;
      std::string label = indicator.label.empty() ? "" : " \"" + indicator.label + "\"";
      std::string ref = indicator.reference.empty() ? "" : " (" + indicator.reference + ")";
      f.explanation = fmt::format("{}: {} {} matches {} indicator{}{} shared by {}", entity, KindWords(kind), local,
                                  indicator.hmac_key_id.empty() ? "an" : "a pre-hashed (key " + indicator.hmac_key_id + ")",
                                  label, ref, indicator.source);
      std::string attrs;
      JsonWriter w(&attrs);
      w.BeginObject();
      w.Field("indicator_kind", kind);
      w.Field("indicator_source", indicator.source);
      if (!indicator.label.empty()) w.Field("indicator_label", indicator.label);
      if (!indicator.reference.empty()) w.Field("indicator_reference", indicator.reference);
      w.Field("hashed", !indicator.hmac_key_id.empty());
      if (!indicator.hmac_key_id.empty()) w.Field("hmac_key_id", indicator.hmac_key_id);
      w.Field("matched_value", local);
      w.EndObject();
      f.attributes_json = std::move(attrs);
    }
    ++f.count;
    if (time > 0) {
      f.first_seen = f.first_seen == 0 ? time : std::min(f.first_seen, time);
      f.last_seen = std::max(f.last_seen, time);
    }
    return h;
  }

  void Flush() {
    for (const std::string& key : order_) sink_.OnFinding(std::move(hits_[key].finding));
    order_.clear();
    hits_.clear();
  }

 private:
  FindingSink& sink_;
  std::map<std::string, Hit> hits_;
  std::vector<std::string> order_;
};

constexpr size_t kMaxEvidence = 5;

}  // namespace

DetectorInfo KnownIndicatorInfo() {
  return DetectorInfo{kKnownIndicatorDetector, "Persona::Known_Indicator",
                      "People records, accounts and sign-ins that match an indicator a partner shared (STIX, MISP or "
                      "CSV watchlists, clear or pre-hashed): e-mail, phone, national id or account High, IP address "
                      "Medium, a name alone Low.",
                      "The same personas, e-mail addresses, phones and laptop farms come back across employers; a "
                      "partner's confirmed persona is the strongest early signal.",
                      "account", "incubating", {}};
}

Watchlist::Watchlist(std::vector<SharedIndicator> indicators, std::vector<std::pair<std::string, std::string>> keys)
    : indicators_(std::move(indicators)), keys_(std::move(keys)) {
  for (size_t i = 0; i < indicators_.size(); ++i) {
    const SharedIndicator& s = indicators_[i];
    index_[IndexKey(s.hmac_key_id, s.kind, s.value)].push_back(i);
  }
  // Only the keys some indicator uses are worth hashing with.
  keys_.erase(std::remove_if(keys_.begin(), keys_.end(),
                             [&](const auto& k) {
                               return std::none_of(indicators_.begin(), indicators_.end(),
                                                   [&](const SharedIndicator& s) { return s.hmac_key_id == k.first; });
                             }),
              keys_.end());
}

Result<Watchlist> Watchlist::Load(Store& store) {
  auto indicators = store.QueryIndicators();
  if (!indicators.ok()) return indicators.status();
  auto keys = store.QueryHmacKeys();
  if (!keys.ok()) return keys.status();
  return Watchlist(std::move(indicators).value(), std::move(keys).value());
}

std::vector<const SharedIndicator*> Watchlist::Match(const std::string& kind, const std::string& value) const {
  std::vector<const SharedIndicator*> out;
  if (value.empty()) return out;
  auto add = [&](const std::string& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    for (size_t i : it->second) out.push_back(&indicators_[i]);
  };
  add(IndexKey("", kind, value));
  for (const auto& [id, bytes] : keys_) add(IndexKey(id, kind, HmacSha256Hex(bytes, value)));
  return out;
}

void MatchWatchlist(const Watchlist& watchlist, const std::vector<Person>& people, const std::vector<SignIn>& signins,
                    const std::string& default_region, FindingSink& sink) {
  (void)MatchWatchlist(watchlist, people, ForEachSignIn([&](const std::function<void(const SignIn&)>& visit) {
                         for (const SignIn& s : signins) visit(s);
                         return Status::OK();
                       }),
                       default_region, sink);
}

Status MatchWatchlist(const Watchlist& watchlist, const std::vector<Person>& people, const ForEachSignIn& signins,
                      const std::string& default_region, FindingSink& sink) {
  if (watchlist.empty()) return Status::OK();
  HitCollector hits(sink);
  for (const Person& p : people) {
    const std::string entity = p.user.empty() ? p.record_id : AsciiLower(p.user);
    const std::string entity_type = p.user.empty() ? "person" : "account";
    const std::string region = p.country.size() == 2 ? p.country : default_region;
    std::vector<std::pair<std::string, std::string>> values;  // (kind, normalised)
    values.emplace_back(kKindEmail, NormalizeIndicator(kKindEmail, p.email, region));
    for (const std::string& phone : p.phones) values.emplace_back(kKindPhone, NormalizeIndicator(kKindPhone, phone, region));
    const std::string name = !p.full_name.empty() ? p.full_name : p.given_name + " " + p.family_name;
    values.emplace_back(kKindName, NormalizeIndicator(kKindName, name, region));
    values.emplace_back(kKindNationalId, NormalizeIndicator(kKindNationalId, p.national_id, region));
    if (!p.user.empty()) {
      values.emplace_back(kKindAccount, NormalizeIndicator(kKindAccount, p.user, region));
      if (p.user.find('@') != std::string::npos)
        values.emplace_back(kKindEmail, NormalizeIndicator(kKindEmail, p.user, region));
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    for (const auto& [kind, value] : values) {
      for (const SharedIndicator* i : watchlist.Match(kind, value)) {
        Hit& h = hits.At(entity_type, entity, kind, value, *i, 0);
        if (h.finding.evidence.size() < kMaxEvidence) h.finding.evidence.push_back(PersonEvidence(p));
        h.finding.org = p.org;
        if (std::find(h.finding.related.begin(), h.finding.related.end(), p.record_id) == h.finding.related.end())
          h.finding.related.push_back(p.record_id);
      }
    }
  }
  // Sign-ins: the account (as e-mail and as account) and the source address, each
  // distinct value looked up once.
  std::unordered_map<std::string, std::vector<const SharedIndicator*>> cache;
  auto lookup = [&](const std::string& kind, const std::string& value) -> const std::vector<const SharedIndicator*>& {
    auto [it, fresh] = cache.try_emplace(kind + '\0' + value);
    if (fresh) it->second = watchlist.Match(kind, value);
    return it->second;
  };
  Status walked = signins([&](const SignIn& s) {
    if (s.account.empty()) return;
    std::string email;
    if (s.account.find('@') != std::string::npos) {
      EmailKey key;
      if (NormalizeEmail(s.account, &key)) email = key.normalized;
    }
    const std::string ip = s.ip ? s.ip->ToString() : "";
    const std::pair<const char*, const std::string*> probes[] = {
        {kKindEmail, &email}, {kKindAccount, &s.account}, {kKindIp, &ip}};
    for (const auto& [kind, value] : probes) {
      if (value->empty()) continue;
      for (const SharedIndicator* i : lookup(kind, *value)) {
        Hit& h = hits.At("account", s.account, kind, *value, *i, s.time_ms);
        if (h.finding.evidence.size() < kMaxEvidence) h.finding.evidence.push_back(SignInEvidence(s));
        if (h.finding.org.empty()) h.finding.org = s.tenant;
        if (std::string(kind) == kKindIp &&
            std::find(h.finding.related.begin(), h.finding.related.end(), ip) == h.finding.related.end())
          h.finding.related.push_back(ip);
      }
    }
  });
  hits.Flush();
  return walked;
}

void RegisterKnownIndicatorDetector(DetectorRegistry& registry) {
  registry.AddPopulation(KnownIndicatorInfo(), PopulationStage::kEvidence,
                         [](const PopulationEvidence& ev, const DetectorParams&, FindingSink& sink) -> Status {
                           auto watchlist = Watchlist::Load(*ev.store);
                           if (!watchlist.ok()) return watchlist.status().WithContext("loading the watchlist");
                           return MatchWatchlist(*watchlist, *ev.people, ev.replay_signins, ev.default_region, sink)
                               .WithContext("matching the watchlist");
                         });
}

}  // namespace impostor
