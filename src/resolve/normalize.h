// Normalisers for people records: each turns a value as written into the form the
// linker compares. Names go through ICU (transliteration to Latin, ASCII folding,
// lower case); e-mail addresses lose provider-specific noise (Gmail dots, plus tags,
// alias domains); phones become E.164 through libphonenumber; addresses, bank
// accounts and dates get one canonical spelling each.
//
// A value of exactly 64 hex digits is a pre-hashed identifier (keyed HMAC): every
// normaliser returns it lower-cased and otherwise untouched, so equal hashes still
// link (IsOpaqueHash).
//
// Thread safety: all functions are safe to call from several threads. ICU
// transliterators are created once per thread and reused (they are expensive to
// build); pure-ASCII input never reaches ICU.
#ifndef IMPOSTOR_RESOLVE_NORMALIZE_H_
#define IMPOSTOR_RESOLVE_NORMALIZE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/status.h"

namespace impostor {

// True when `value` is 64 hex digits: an opaque pre-hashed identifier.
bool IsOpaqueHash(std::string_view value);

// Trims ASCII white space at both ends.
std::string_view TrimAscii(std::string_view s);

// ---- Names (normalize_name.cc)

// Transliterates to Latin, folds case and diacritics, turns punctuation into
// spaces, drops hyphens and apostrophes inside tokens ("Jong-un" -> "jongun",
// "O'Brien" -> "obrien") and collapses white space. "Zoë Ñúñez" -> "zoe nunez".
// A Hangul name written without a space ("김정은") is split after its first
// syllable, the family name, before transliteration ("gim jeongeun").
std::string FoldName(std::string_view raw);

// Splits a folded full name into given and family name: the first and the last
// token, or the other way round when `family_first` (names written in Hangul or
// Han script, which put the family name first).
void SplitFullName(std::string_view folded, bool family_first, std::string* given, std::string* family);

// True when `raw` contains Hangul or Han (CJK ideograph) characters.
bool IsFamilyFirstScript(std::string_view raw);

// Nicknames and surname variants: equivalence classes of name spellings, loaded
// from data/catalog (nicknames/names.csv, surname_variants/*.csv).
// Immutable after Load; safe to share between threads.
class NameCatalog {
 public:
  // Loads `<catalog_dir>/nicknames/names.csv` and
  // `<catalog_dir>/surname_variants/korean.csv`. A missing file is an error naming it.
  static Result<NameCatalog> Load(const std::string& catalog_dir);

  // Classes (canonical given names) a given name belongs to: "bob" -> {robert},
  // "al" -> {albert, alexander, alfred, ...}; a canonical name is its own class.
  // Empty when the name is in no class.
  const std::vector<uint32_t>& GivenClasses(std::string_view name) const;
  // Class of a surname spelling ("gim" -> class of "kim"), 0 when none.
  uint32_t SurnameClass(std::string_view name) const;

  size_t given_names() const { return given_.size(); }
  size_t surname_spellings() const { return surname_.size(); }

 private:
  std::unordered_map<std::string, std::vector<uint32_t>> given_;
  std::unordered_map<std::string, uint32_t> surname_;
};

// ---- E-mail (normalize_email.cc)

struct EmailKey {
  std::string raw;         // lower-cased, trimmed
  std::string normalized;  // provider rules applied: local@domain
  std::string local;       // normalised local part
  std::string domain;      // normalised domain
  std::string pattern;     // local part letters only, digits and separators dropped
                           // ("john.smith1987" -> "johnsmith"); "" when under 4 letters
};

// Lower-cases and applies provider rules: Gmail/Googlemail drop dots and +tags
// (googlemail.com -> gmail.com); Outlook/Hotmail/Live/MSN, iCloud and every other
// domain drop +tags; Yahoo/Ymail/Rocketmail drop the last -tag; Yandex aliases ->
// yandex.ru. Returns false (and leaves `out` empty) when there is no '@'.
bool NormalizeEmail(std::string_view raw, EmailKey* out);

// Free-mail and disposable domains (data/catalog/free_email_domains,
// disposable_email_domains): features of an address, never link keys.
class EmailDomainCatalog {
 public:
  static Result<EmailDomainCatalog> Load(const std::string& catalog_dir);
  bool IsFree(std::string_view domain) const { return free_.count(std::string(domain)) > 0; }
  bool IsDisposable(std::string_view domain) const { return disposable_.count(std::string(domain)) > 0; }

 private:
  std::unordered_set<std::string> free_, disposable_;
};

// ---- Phones (normalize_phone.cc)

// E.164 ("+14155550123") through libphonenumber, with `default_region` (ISO
// alpha-2, e.g. "US") for numbers written without a country code. Numbers already
// written as +digits take a fast path. Returns "" when the text is not a phone number.
std::string NormalizePhone(std::string_view raw, std::string_view default_region);

// ---- Addresses, identifiers, dates (normalize_address.cc, normalize_date.cc)

// Folded (as names), punctuation removed, street types and unit words in one
// spelling: "Street"/"St." -> "st", "Avenue" -> "ave", "Apartment"/"Apt"/"#"/"Unit"
// /"Suite" -> "unit", "North" -> "n" ...: "12 Main Street, Apt. #4" -> "12 main st unit 4".
std::string NormalizeAddress(std::string_view raw);

// Postcodes: upper case, spaces and dashes removed ("sw1a 1aa" -> "SW1A1AA").
std::string NormalizePostcode(std::string_view raw);

// Bank accounts, payout accounts and other identifiers: spaces, dashes, dots and
// slashes removed, upper case (IBAN "gb82 west 1234" -> "GB82WEST1234").
std::string NormalizeIdentifier(std::string_view raw);

// Profile handles (GitHub, LinkedIn): the last path segment of a URL, lower case.
std::string NormalizeHandle(std::string_view raw);

enum class DateOrder : uint8_t { kDayFirst, kMonthFirst };

// Any common date form to "YYYYMMDD": 2024-05-01, 2024/5/1, 20240501, 01/05/2024
// (day first unless `order` says month first, or the first number exceeds 12),
// 01.05.2024, 1 May 2024, May 1, 2024, 2024-05-01T12:00:00Z. "" when not a date.
std::string NormalizeDate(std::string_view raw, DateOrder order);

// Days since 1970-01-01 of a "YYYYMMDD" string; INT32_MIN when malformed.
int32_t DateDays(std::string_view yyyymmdd);

}  // namespace impostor

#endif  // IMPOSTOR_RESOLVE_NORMALIZE_H_
