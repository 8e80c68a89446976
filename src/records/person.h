// Person: the one normalised record of a claimed person, whatever source it came
// from (HR, applicant tracking, consumer accounts, payroll, vendors, identity
// verification). The people reader fills it from CSV or JSON lines, with a linkage
// config mapping other column names onto these fields; persona resolution links
// Person records into personas. Readers never judge and detectors never parse.
//
// Values are kept as written in the input (trimmed); normalisation happens in
// resolve/. A value may arrive pre-hashed (keyed HMAC, 64 hex digits): it is then an
// opaque identifier that still links by equality.
//
// Plain value type; no invariants beyond the field comments.
#ifndef IMPOSTOR_RECORDS_PERSON_H_
#define IMPOSTOR_RECORDS_PERSON_H_

#include <cstdint>
#include <string>
#include <vector>

namespace impostor {

// Where a people record comes from.
enum class PersonSource : uint8_t { kUnknown = 0, kHr, kAts, kAccount, kPayroll, kVendor, kIdv };

// "hr", "ats", ...; "" for kUnknown.
inline const char* PersonSourceName(PersonSource s) {
  static const char* const kNames[] = {"", "hr", "ats", "account", "payroll", "vendor", "idv"};
  return kNames[static_cast<int>(s)];
}

// Case-insensitive; kUnknown for anything else.
inline PersonSource PersonSourceFromName(const std::string& name) {
  std::string lower;
  for (char c : name) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  for (int i = 1; i <= 6; ++i) {
    if (lower == PersonSourceName(static_cast<PersonSource>(i))) return static_cast<PersonSource>(i);
  }
  return PersonSource::kUnknown;
}

struct Person {
  std::string record_id;  // required; unique within its input
  PersonSource source = PersonSource::kUnknown;
  std::string org;        // employer / tenant / provider the record belongs to
  std::string user;       // the sign-in identity (UPN, e-mail, IdP id)

  std::string full_name;
  std::string given_name;
  std::string family_name;
  std::string email;
  std::vector<std::string> phones;  // input column "phone", several separated by ';'

  std::string address;    // street line(s)
  std::string city;
  std::string region;
  std::string postcode;
  std::string country;    // ISO 3166-1 alpha-2 when the source gives one
  std::string ship_to;    // where the company laptop is shipped
  std::string dob;        // date of birth, any common form
  std::string national_id;
  std::string bank_account;
  std::string payout;     // other payout account (PayPal, Payoneer, crypto wallet)
  std::string photo;      // image path relative to the input file, or a photo hash
  std::string github;
  std::string linkedin;
  std::string hired;      // employment start, any common date form
  std::string ended;      // employment end; empty while employed
  std::string timezone;
  std::string referrer;

  // Provenance: which record of which file this is, for evidence and rejects.
  std::string source_file;
  uint64_t source_line = 0;  // 1-based line where the record starts
};

}  // namespace impostor

#endif  // IMPOSTOR_RECORDS_PERSON_H_
