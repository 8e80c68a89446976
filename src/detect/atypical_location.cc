#include "detect/atypical_location.h"

#include <algorithm>

#include "detect/account_profile.h"
#include "detect/evidence.h"

namespace impostor {

namespace {

constexpr char kId[] = "signin.atypical_location";

class AtypicalLocationDetector final : public SignInDetector {
 public:
  explicit AtypicalLocationDetector(const AtypicalLocationOptions& o) : opt_(o) {
    for (const std::string& c : o.watch_countries) watch_.push_back(PackCountry(c));
  }

  const DetectorInfo& info() const override {
    static const DetectorInfo kInfo = AtypicalLocationInfo();
    return kInfo;
  }

  void Observe(const SignIn& s, const SignInContext& ctx, FindingSink& sink) override {
    if (s.outcome == Outcome::kFailure) return;
    if (s.net.is_anonymizer || s.net.is_tor || s.net.is_org_egress || s.vendor_proxy) return;
    const AccountProfile& p = ctx.profiles->profile(ctx.account);
    if (!p.Learned(s.time_ms, opt_.learning_days, opt_.learning_signins)) return;

    CountryCode country = PackCountry(s.geo.country);
    if (country != 0 && !p.KnowsCountry(country)) {
      ReportCountry(s, ctx, p, country, sink);
      return;  // a new country implies a new network; one finding says it
    }
    uint32_t asn = s.net.asn ? s.net.asn : s.vendor_asn;
    if (opt_.new_asn && asn != 0 && country != 0 && !p.KnowsAsn(asn)) ReportAsn(s, asn, sink);
  }

 private:
  bool OrgCommon(const AccountProfiles& profiles, CountryCode c) const {
    uint32_t total = profiles.AccountsWithBaseline();
    if (total < static_cast<uint32_t>(opt_.org_min_accounts)) return false;
    return profiles.AccountsWithCountry(c) >= opt_.org_common_share * total;
  }

  void ReportCountry(const SignIn& s, const SignInContext& ctx, const AccountProfile& p, CountryCode c,
                     FindingSink& sink) {
    const bool watch = std::find(watch_.begin(), watch_.end(), c) != watch_.end();
    const bool common = OrgCommon(*ctx.profiles, c);
    Finding f = AccountFinding(kId, s);
    f.key = std::string(kId) + "|" + s.account + "|country:" + UnpackCountry(c);
    // A new country is one weak signal (travellers make them every week): context
    // for the risk model, Medium at most, even for a watched country.
    f.severity = watch ? Severity::kMedium : common ? Severity::kInformational : Severity::kLow;
    f.confidence = watch ? 0.6 : common ? 0.25 : 0.45;
    if (s.net.is_mobile) f.confidence -= 0.1;
    f.title = "Sign-in from a country new for the account";
    std::string known;
    for (size_t i = 0; i < AccountProfile::kMaxCountries; ++i)
      if (p.country_counts[i] > 0) known += (known.empty() ? "" : ", ") + UnpackCountry(p.countries[i]);
    uint32_t users = ctx.profiles->AccountsWithCountry(c);
    f.explanation = s.account + ": first sign-in from " + PlaceName(s.geo) + " at " + FormatHumanUtc(s.time_ms) +
                    " UTC after " + std::to_string(p.signins) + " sign-ins from " + (known.empty() ? "elsewhere" : known) +
                    "; " + std::to_string(users) + " of " + std::to_string(ctx.profiles->AccountsWithBaseline()) +
                    " accounts in the organisation use " + UnpackCountry(c);
    Attributes(f, s, p, users, common, watch);
    sink.OnFinding(std::move(f));
  }

  void ReportAsn(const SignIn& s, uint32_t asn, FindingSink& sink) {
    Finding f = AccountFinding(kId, s);
    f.key = std::string(kId) + "|" + s.account + "|asn:" + std::to_string(asn);
    f.severity = s.net.is_mobile ? Severity::kInformational : Severity::kLow;
    f.confidence = 0.2;
    f.title = "Sign-in through a network new for the account";
    const std::string& org = s.net.as_org.empty() ? s.vendor_as_org : s.net.as_org;
    f.explanation = s.account + ": first sign-in through AS" + std::to_string(asn) + (org.empty() ? "" : " (" + org + ")") +
                    " from " + PlaceName(s.geo) + " at " + FormatHumanUtc(s.time_ms) + " UTC";
    f.attributes_json = "{\"asn\":" + std::to_string(asn) + "}";
    sink.OnFinding(std::move(f));
  }

  void Attributes(Finding& f, const SignIn& s, const AccountProfile& p, uint32_t users, bool common, bool watch) const {
    f.attributes_json.clear();
    JsonWriter w(&f.attributes_json);
    w.BeginObject();
    w.Field("country", s.geo.country);
    w.Field("home_country", UnpackCountry(p.HomeCountry()));
    w.Field("baseline_signins", p.signins);
    w.Field("baseline_days", static_cast<double>((s.time_ms - p.first_seen) / kMsPerDay));
    w.Field("org_accounts_with_country", users);
    w.Field("org_common", common);
    w.Field("watch_country", watch);
    w.EndObject();
  }

  AtypicalLocationOptions opt_;
  std::vector<CountryCode> watch_;
};

}  // namespace

AtypicalLocationOptions AtypicalLocationOptions::FromParams(const DetectorParams& p) {
  AtypicalLocationOptions o;
  o.learning_days = static_cast<int>(p.Number("learning_days", o.learning_days));
  o.learning_signins = static_cast<int>(p.Number("learning_signins", o.learning_signins));
  o.org_common_share = p.Number("org_common_share", o.org_common_share);
  o.org_min_accounts = static_cast<int>(p.Number("org_min_accounts", o.org_min_accounts));
  o.new_asn = p.Flag("new_asn", o.new_asn);
  o.watch_countries = p.List("watch_countries", o.watch_countries);
  return o;
}

DetectorInfo AtypicalLocationInfo() {
  return DetectorInfo{
      kId,
      "SignIn::Atypical_Location",
      "A sign-in from a country or network (ASN) never seen for the account after its learning period; "
      "countries common across the organisation weigh less.",
      "A worker whose account is operated from abroad shows up in a new country or network once the "
      "laptop-farm routine is established.",
      "account",
      "stable",
      {
          {"learning_days", "14", "days", "learning ends this long after the account's first sign-in..."},
          {"learning_signins", "10", "count", "...or after this many sign-ins, whichever comes first"},
          {"org_common_share", "0.2", "share", "a country used by at least this share of accounts weighs less"},
          {"org_min_accounts", "20", "count", "the organisation share is used only with this many baselines"},
          {"new_asn", "false", "", "also report a new network (ASN) inside a known country (noisy: home, office and phone networks differ)"},
          {"watch_countries", "[KP, CN, RU]", "ISO 3166 codes", "a new country in this list is High severity"},
      }};
}

std::unique_ptr<SignInDetector> MakeAtypicalLocationDetector(const AtypicalLocationOptions& options) {
  return std::make_unique<AtypicalLocationDetector>(options);
}

}  // namespace impostor
