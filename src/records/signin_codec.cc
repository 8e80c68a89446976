#include "records/signin_codec.h"

#include <cstring>

#include "common/strings.h"

namespace impostor {

namespace {

constexpr uint8_t kVersion = 1;

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutSigned(std::string& out, int64_t v) {
  PutVarint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}

void PutDouble(std::string& out, double d) {
  char b[sizeof d];
  std::memcpy(b, &d, sizeof d);
  out.append(b, sizeof d);
}

void PutLocation(std::string& out, const Location& l) {
  PutString(out, l.country);
  PutString(out, l.region);
  PutString(out, l.city);
  PutDouble(out, l.lat);
  PutDouble(out, l.lon);
  PutDouble(out, l.accuracy_km);
  out.push_back(static_cast<char>(l.source));
}

// Reads from a view, failing once on the first short read.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  std::string_view rest() const { return in_; }

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return Fail();
      const uint8_t b = static_cast<uint8_t>(in_[0]);
      in_.remove_prefix(1);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return Fail();
  }
  int64_t Signed() {
    const uint64_t u = Varint();
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  uint8_t Byte() {
    if (in_.empty()) return static_cast<uint8_t>(Fail());
    const uint8_t b = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return b;
  }
  std::string_view Bytes(size_t n) {
    if (in_.size() < n) {
      Fail();
      return {};
    }
    std::string_view s = in_.substr(0, n);
    in_.remove_prefix(n);
    return s;
  }
  void String(std::string& s) {
    const uint64_t n = Varint();
    std::string_view b = Bytes(n);
    s.assign(b.data(), b.size());
  }
  double Double() {
    double d = 0;
    std::string_view b = Bytes(sizeof d);
    if (ok_) std::memcpy(&d, b.data(), sizeof d);
    return d;
  }
  void Location(impostor::Location& l) {
    String(l.country);
    String(l.region);
    String(l.city);
    l.lat = Double();
    l.lon = Double();
    l.accuracy_km = Double();
    l.source = static_cast<GeoSource>(Byte());
  }

 private:
  uint64_t Fail() {
    ok_ = false;
    in_ = {};
    return 0;
  }
  std::string_view in_;
  bool ok_ = true;
};

enum NetFlag : uint8_t {
  kAnonymizer = 1, kHosting = 2, kTor = 4, kMobile = 8, kOrgEgress = 16, kSanctioned = 32,
};
enum SignInFlag : uint8_t { kInteractive = 1, kVendorProxy = 2 };

}  // namespace

void EncodeSignIn(const SignIn& s, std::string& out) {
  out.push_back(static_cast<char>(kVersion));
  PutString(out, s.account);
  PutString(out, s.account_id);
  PutString(out, s.display_name);
  PutString(out, s.tenant);
  PutSigned(out, s.time_ms);
  PutString(out, s.ip_text);
  if (!s.ip) {
    out.push_back(0);
  } else if (s.ip->is_v4) {
    out.push_back(4);
    out.append(reinterpret_cast<const char*>(s.ip->bytes.data()) + 12, 4);
  } else {
    out.push_back(6);
    out.append(reinterpret_cast<const char*>(s.ip->bytes.data()), 16);
  }
  PutLocation(out, s.vendor_location);
  PutLocation(out, s.geo);
  PutVarint(out, s.vendor_asn);
  PutString(out, s.vendor_as_org);
  PutVarint(out, s.net.asn);
  PutString(out, s.net.as_org);
  PutString(out, s.net.connection_type);
  out.push_back(static_cast<char>((s.net.is_anonymizer ? kAnonymizer : 0) | (s.net.is_hosting ? kHosting : 0) |
                                  (s.net.is_tor ? kTor : 0) | (s.net.is_mobile ? kMobile : 0) |
                                  (s.net.is_org_egress ? kOrgEgress : 0) | (s.net.is_sanctioned ? kSanctioned : 0)));
  PutString(out, s.net.list_name);
  PutString(out, s.device_id);
  PutString(out, s.device_name);
  PutString(out, s.os);
  PutString(out, s.browser);
  PutString(out, s.user_agent);
  PutString(out, s.app);
  out.push_back(static_cast<char>(s.outcome));
  PutString(out, s.failure_reason);
  out.push_back(static_cast<char>((s.interactive ? kInteractive : 0) | (s.vendor_proxy ? kVendorProxy : 0)));
  PutString(out, s.session_id);
  PutString(out, s.vendor_risk_level);
  PutVarint(out, s.vendor_risk_events.size());
  for (const std::string& e : s.vendor_risk_events) PutString(out, e);
  PutString(out, s.source_format);
  PutString(out, s.source_file);
  PutVarint(out, s.source_line);
  PutString(out, s.event_id);
}

Status DecodeSignIn(std::string_view& in, SignIn* s) {
  Reader r(in);
  if (r.Byte() != kVersion) return Status::Corruption("sign-in record: unknown encoding version");
  r.String(s->account);
  r.String(s->account_id);
  r.String(s->display_name);
  r.String(s->tenant);
  s->time_ms = r.Signed();
  r.String(s->ip_text);
  const uint8_t ip_tag = r.Byte();
  if (ip_tag == 0) {
    s->ip.reset();
  } else if (ip_tag == 4 || ip_tag == 6) {
    IpAddress ip;
    ip.is_v4 = ip_tag == 4;
    std::string_view b = r.Bytes(ip_tag == 4 ? 4 : 16);
    if (r.ok()) {
      if (ip.is_v4) {
        ip.bytes[10] = ip.bytes[11] = 0xff;
        std::memcpy(ip.bytes.data() + 12, b.data(), 4);
      } else {
        std::memcpy(ip.bytes.data(), b.data(), 16);
      }
    }
    s->ip = ip;
  } else {
    return Status::Corruption("sign-in record: bad address tag");
  }
  r.Location(s->vendor_location);
  r.Location(s->geo);
  s->vendor_asn = static_cast<uint32_t>(r.Varint());
  r.String(s->vendor_as_org);
  s->net.asn = static_cast<uint32_t>(r.Varint());
  r.String(s->net.as_org);
  r.String(s->net.connection_type);
  const uint8_t net = r.Byte();
  s->net.is_anonymizer = net & kAnonymizer;
  s->net.is_hosting = net & kHosting;
  s->net.is_tor = net & kTor;
  s->net.is_mobile = net & kMobile;
  s->net.is_org_egress = net & kOrgEgress;
  s->net.is_sanctioned = net & kSanctioned;
  r.String(s->net.list_name);
  r.String(s->device_id);
  r.String(s->device_name);
  r.String(s->os);
  r.String(s->browser);
  r.String(s->user_agent);
  r.String(s->app);
  s->outcome = static_cast<Outcome>(r.Byte());
  r.String(s->failure_reason);
  const uint8_t flags = r.Byte();
  s->interactive = flags & kInteractive;
  s->vendor_proxy = flags & kVendorProxy;
  r.String(s->session_id);
  r.String(s->vendor_risk_level);
  const uint64_t events = r.Varint();
  if (events > r.rest().size()) return Status::Corruption("sign-in record: bad risk-event count");
  s->vendor_risk_events.resize(events);
  for (std::string& e : s->vendor_risk_events) r.String(e);
  r.String(s->source_format);
  {
    const uint64_t n = r.Varint();
    std::string_view file = r.Bytes(n);
    // Interned again: records of one file share one copy (SignIn::source_file).
    if (s->source_file.data() == nullptr || s->source_file != file) s->source_file = InternString(file);
  }
  s->source_line = r.Varint();
  r.String(s->event_id);
  if (!r.ok()) return Status::Corruption("sign-in record: truncated");
  in = r.rest();
  return Status::OK();
}

}  // namespace impostor
