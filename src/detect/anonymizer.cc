#include "detect/anonymizer.h"

#include "detect/evidence.h"

namespace impostor {

namespace {

constexpr char kAnonymizerId[] = "signin.anonymizer";
constexpr char kSanctionedId[] = "signin.sanctioned_space";

class AnonymizerDetector final : public SignInDetector {
 public:
  explicit AnonymizerDetector(const AnonymizerOptions& o) : opt_(o) {}
  const DetectorInfo& info() const override {
    static const DetectorInfo kInfo = AnonymizerInfo();
    return kInfo;
  }

  void Observe(const SignIn& s, const SignInContext&, FindingSink& sink) override {
    if (s.outcome == Outcome::kFailure && !opt_.include_failures) return;
    if (s.net.is_org_egress) return;  // the organisation's own VPN is not hiding anyone
    const bool hosting_only = s.net.is_hosting && !s.net.is_tor;
    const bool listed = s.net.is_anonymizer || s.net.is_tor;
    const bool proxy = opt_.include_vendor_proxy && s.vendor_proxy;
    if (!listed && !proxy) return;
    if (listed && hosting_only && !opt_.include_hosting && !proxy) return;

    Finding f = AccountFinding(kAnonymizerId, s);
    std::string label = AnonymizerLabel(s.net, s.vendor_proxy);
    std::string provider = s.net.list_name.empty() ? (s.net.is_tor ? "tor" : proxy && !listed ? "idp-proxy-flag" : "unnamed")
                                                    : s.net.list_name;
    f.key = std::string(kAnonymizerId) + "|" + s.account + "|" + provider + "|" + MonthWindow(s.time_ms);
    if (s.net.is_tor) {
      f.severity = Severity::kHigh;
      f.confidence = 0.8;
    } else if (listed && !hosting_only) {
      f.severity = Severity::kMedium;
      f.confidence = 0.6;
    } else {
      f.severity = Severity::kLow;
      f.confidence = 0.4;
    }
    f.title = "Sign-in through an anonymizer";
    f.explanation = s.account + ": sign-in at " + FormatHumanUtc(s.time_ms) + " UTC from " +
                    (s.ip ? s.ip->ToString() : s.ip_text) + " (" + PlaceName(s.geo) + ") through " + label;
    f.attributes_json.clear();
    JsonWriter w(&f.attributes_json);
    w.BeginObject();
    w.Field("provider", provider);
    w.Field("tor", s.net.is_tor);
    w.Field("hosting", s.net.is_hosting);
    w.Field("vendor_proxy_flag", s.vendor_proxy);
    w.EndObject();
    sink.OnFinding(std::move(f));
  }

 private:
  AnonymizerOptions opt_;
};

class SanctionedSpaceDetector final : public SignInDetector {
 public:
  const DetectorInfo& info() const override {
    static const DetectorInfo kInfo = SanctionedSpaceInfo();
    return kInfo;
  }
  void Observe(const SignIn& s, const SignInContext&, FindingSink& sink) override {
    if (!s.net.is_sanctioned) return;
    Finding f = AccountFinding(kSanctionedId, s);
    f.key = std::string(kSanctionedId) + "|" + s.account + "|" + DayWindow(s.time_ms);
    f.severity = Severity::kCritical;
    f.confidence = 0.95;
    f.title = "Sign-in from sanctioned address space";
    const char* outcome = s.outcome == Outcome::kFailure ? "failed sign-in" : "sign-in";
    f.explanation = s.account + ": " + outcome + " at " + FormatHumanUtc(s.time_ms) + " UTC from " +
                    (s.ip ? s.ip->ToString() : s.ip_text) + ", inside " +
                    (s.net.list_name.empty() ? std::string("sanctioned space") : s.net.list_name);
    sink.OnFinding(std::move(f));
  }
};

}  // namespace

AnonymizerOptions AnonymizerOptions::FromParams(const DetectorParams& p) {
  AnonymizerOptions o;
  o.include_hosting = p.Flag("include_hosting", o.include_hosting);
  o.include_failures = p.Flag("include_failures", o.include_failures);
  o.include_vendor_proxy = p.Flag("include_vendor_proxy", o.include_vendor_proxy);
  return o;
}

DetectorInfo AnonymizerInfo() {
  return DetectorInfo{
      kAnonymizerId,
      "SignIn::Anonymizer",
      "A sign-in through a VPN, Tor exit, hosting range or proxy, with the provider or list where known; "
      "one finding per account, provider and month.",
      "The workers reach company accounts through Astrill-style VPNs and rented servers to hide that they "
      "are in China or Russia.",
      "account",
      "stable",
      {
          {"include_hosting", "true", "", "datacenter / hosting egress counts as an anonymizer (Low)"},
          {"include_failures", "false", "", "also report failed sign-ins"},
          {"include_vendor_proxy", "true", "", "trust the identity provider's own proxy flag (Okta isProxy)"},
      }};
}

DetectorInfo SanctionedSpaceInfo() {
  return DetectorInfo{kSanctionedId,
                      "SignIn::Sanctioned_Space",
                      "A sign-in, successful or not, from a sanctioned country's address space (DPRK 175.45.176.0/22).",
                      "A careless operator connecting directly from North Korea is rare and decisive.",
                      "account",
                      "stable",
                      {}};
}

std::unique_ptr<SignInDetector> MakeAnonymizerDetector(const AnonymizerOptions& options) {
  return std::make_unique<AnonymizerDetector>(options);
}

std::unique_ptr<SignInDetector> MakeSanctionedSpaceDetector() { return std::make_unique<SanctionedSpaceDetector>(); }

}  // namespace impostor
