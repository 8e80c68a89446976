#include "ingest/json_fields.h"

#include <cstdlib>

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <cmath>
#include <string>
#include <unordered_map>

#include "common/geo.h"
#include "common/time.h"

namespace impostor {
namespace ingest {

std::string DescribeValue(od::value& value) {
  std::string_view raw = value.raw_json_token();
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' ||
                          raw.back() == '\t' || raw.back() == ',')) {
    raw.remove_suffix(1);
  }
  od::json_type type;
  if (!value.type().get(type)) {
    if (type == od::json_type::object) return "an object";
    if (type == od::json_type::array) return "an array";
  }
  if (raw.size() > 80) return std::string(raw.substr(0, 77)) + "...";
  return std::string(raw);
}

std::string TypeError(std::string_view field, std::string_view expected, od::value& value) {
  return std::string(field) + ": expected " + std::string(expected) + ", got " + DescribeValue(value);
}

std::string JsonError(simdjson::error_code error) {
  return std::string("invalid JSON (") + simdjson::error_message(error) + ")";
}

namespace {

bool TypeOf(od::value& value, od::json_type* type, std::string* error) {
  if (auto e = value.type().get(*type)) {
    *error = JsonError(e);
    return false;
  }
  return true;
}

}  // namespace

bool ReadString(od::value& value, std::string_view field, std::string* out, std::string* error) {
  od::json_type type;
  if (!TypeOf(value, &type, error)) return false;
  if (type == od::json_type::null) return true;
  if (type != od::json_type::string) {
    *error = TypeError(field, "a string", value);
    return false;
  }
  std::string_view text;
  if (auto e = value.get_string().get(text)) {
    *error = JsonError(e);
    return false;
  }
  out->assign(text);
  return true;
}

bool ReadDouble(od::value& value, std::string_view field, double* out, std::string* error) {
  od::json_type type;
  if (!TypeOf(value, &type, error)) return false;
  if (type == od::json_type::null) return true;
  if (type == od::json_type::number) {
    if (value.get_double().get(*out)) {
      *error = TypeError(field, "a number", value);
      return false;
    }
    return true;
  }
  if (type == od::json_type::string) {
    std::string_view text;
    if (auto e = value.get_string().get(text)) {
      *error = JsonError(e);
      return false;
    }
    if (text.empty()) return true;
    std::string copy(text);
    char* end = nullptr;
    double v = std::strtod(copy.c_str(), &end);
    if (end == copy.c_str() || *end != '\0') {
      *error = std::string(field) + ": expected a number, got \"" + copy.substr(0, 80) + "\"";
      return false;
    }
    *out = v;
    return true;
  }
  *error = TypeError(field, "a number", value);
  return false;
}

bool ReadInt(od::value& value, std::string_view field, int64_t* out, std::string* error) {
  double d = NAN;
  od::json_type type;
  if (!TypeOf(value, &type, error)) return false;
  if (type == od::json_type::number) {
    int64_t i;
    if (!value.get_int64().get(i)) {
      *out = i;
      return true;
    }
  }
  if (!ReadDouble(value, field, &d, error)) return false;
  if (std::isnan(d)) return true;  // null or empty string
  if (d != std::floor(d) || std::fabs(d) > 9.2e18) {
    *error = std::string(field) + ": expected an integer, got " + DescribeValue(value);
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

bool ReadBool(od::value& value, std::string_view field, bool* out, std::string* error) {
  od::json_type type;
  if (!TypeOf(value, &type, error)) return false;
  if (type == od::json_type::null) return true;
  if (type == od::json_type::boolean) {
    if (auto e = value.get_bool().get(*out)) {
      *error = JsonError(e);
      return false;
    }
    return true;
  }
  if (type == od::json_type::string) {
    std::string_view text;
    if (auto e = value.get_string().get(text)) {
      *error = JsonError(e);
      return false;
    }
    if (text.empty()) return true;
    if (EqualsIgnoreCase(text, "true") || EqualsIgnoreCase(text, "yes") || text == "1") {
      *out = true;
      return true;
    }
    if (EqualsIgnoreCase(text, "false") || EqualsIgnoreCase(text, "no") || text == "0") {
      *out = false;
      return true;
    }
  }
  *error = TypeError(field, "true or false", value);
  return false;
}

namespace {

std::string NotATime(std::string_view text, std::string_view field, DayMonthOrder order) {
  if (order == DayMonthOrder::kUnknown && DateOrderMatters(text)) {
    return std::string(field) + ": day and month cannot be told apart in \"" + std::string(text.substr(0, 80)) +
           "\": no date of this input has a field over 12 or an AM/PM clock; name the order (--date-order)";
  }
  return std::string(field) + ": not a time: \"" + std::string(text.substr(0, 80)) + "\"";
}

}  // namespace

Status ParseTimeText(std::string_view text, std::string_view field, const RecordContext& ctx, TimeMs* out) {
  std::optional<TimeMs> t = ParseTimestamp(text, ctx.date_order);
  if (!t) return Status::InvalidArgument(NotATime(text, field, ctx.date_order));
  *out = *t;
  return Status::OK();
}

bool ReadTime(od::value& value, std::string_view field, TimeMs* out, std::string* error,
              bool allow_epoch_number, DayMonthOrder order) {
  od::json_type type;
  if (!TypeOf(value, &type, error)) return false;
  if (type == od::json_type::null) return true;
  if (type == od::json_type::number && allow_epoch_number) {
    double d;
    if (value.get_double().get(d) || !std::isfinite(d) || d < 0) {
      *error = std::string(field) + ": not a time: " + DescribeValue(value);
      return false;
    }
    // Epoch seconds or milliseconds, the same rule as ParseTimestamp.
    *out = d > 1e11 ? static_cast<TimeMs>(d) : static_cast<TimeMs>(std::llround(d * 1000.0));
    return true;
  }
  if (type != od::json_type::string) {
    *error = TypeError(field, "a time string", value);
    return false;
  }
  std::string_view text;
  if (auto e = value.get_string().get(text)) {
    *error = JsonError(e);
    return false;
  }
  std::optional<TimeMs> t = ParseTimestamp(text, order);
  if (!t) {
    *error = NotATime(text, field, order);
    return false;
  }
  *out = *t;
  return true;
}

bool ReadStringList(od::value& value, std::string_view field, RecordContext& ctx,
                    std::vector<std::string>* out, std::string* error) {
  od::json_type type;
  if (!TypeOf(value, &type, error)) return false;
  if (type == od::json_type::null) return true;
  if (type == od::json_type::string) {
    std::string_view text;
    if (auto e = value.get_string().get(text)) {
      *error = JsonError(e);
      return false;
    }
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return true;
    if (text[first] != '[') {  // a single bare value
      out->emplace_back(text);
      return true;
    }
    ctx.nested_text = simdjson::padded_string(text);
    od::document doc;
    if (auto e = ctx.nested_parser.iterate(ctx.nested_text).get(doc)) {
      *error = std::string(field) + ": " + JsonError(e);
      return false;
    }
    od::array array;
    if (auto e = doc.get_array().get(array)) {
      *error = std::string(field) + ": " + JsonError(e);
      return false;
    }
    for (auto element : array) {
      std::string_view s;
      if (auto e = element.get_string().get(s)) {
        *error = std::string(field) + ": expected strings in the array (" + JsonError(e) + ")";
        return false;
      }
      out->emplace_back(s);
    }
    return true;
  }
  return ForEachElement(value, field, error, [&](od::value& element) {
    std::string s;
    if (!ReadString(element, field, &s, error)) return false;
    if (!s.empty()) out->push_back(std::move(s));
    return true;
  });
}

void SetIp(std::string_view text, SignIn* signin) {
  signin->ip_text.assign(text);
  signin->ip = IpAddress::Parse(text);
}

bool SetCoordinatesFromText(const std::string& lat, const std::string& lon, Location* location) {
  if (lat.empty() || lon.empty()) return true;
  char* lat_end = nullptr;
  char* lon_end = nullptr;
  const double la = std::strtod(lat.c_str(), &lat_end), lo = std::strtod(lon.c_str(), &lon_end);
  if (*lat_end != '\0' || *lon_end != '\0') return false;
  SetCoordinates(la, lo, location);
  return true;
}

void SetCoordinates(double lat, double lon, Location* location) {
  if (!ValidCoordinate(lat, lon)) return;
  location->lat = lat;
  location->lon = lon;
}

namespace {

// English country names (ICU's display names plus the spellings identity
// providers use) to ISO 3166-1 alpha-2, upper-cased key -> code.
const std::unordered_map<std::string, std::string>& CountryNames() {
  static const std::unordered_map<std::string, std::string>* const kNames = [] {
    auto* names = new std::unordered_map<std::string, std::string>();
    const char* const* codes = icu::Locale::getISOCountries();
    for (int i = 0; codes[i] != nullptr; ++i) {
      icu::Locale locale("", codes[i]);
      icu::UnicodeString display;
      locale.getDisplayCountry(icu::Locale::getEnglish(), display);
      std::string utf8;
      display.toUTF8String(utf8);
      (*names)[AsciiLower(utf8)] = codes[i];
    }
    // Spellings that differ from ICU's (MaxMind / Okta / ISO long forms).
    static const char* const kAliases[][2] = {
        {"united states of america", "US"}, {"usa", "US"}, {"u.s.", "US"},
        {"united kingdom of great britain and northern ireland", "GB"}, {"uk", "GB"},
        {"great britain", "GB"}, {"russian federation", "RU"}, {"korea, republic of", "KR"},
        {"republic of korea", "KR"}, {"korea", "KR"},
        {"korea, democratic people's republic of", "KP"}, {"democratic people's republic of korea", "KP"},
        {"dprk", "KP"}, {"hong kong", "HK"}, {"macao", "MO"}, {"macau", "MO"},
        {"iran, islamic republic of", "IR"}, {"viet nam", "VN"}, {"taiwan, province of china", "TW"},
        {"czech republic", "CZ"}, {"turkey", "TR"}, {"türkiye", "TR"}, {"ivory coast", "CI"},
        {"cote d'ivoire", "CI"}, {"côte d'ivoire", "CI"}, {"the netherlands", "NL"},
        {"syrian arab republic", "SY"}, {"lao people's democratic republic", "LA"},
        {"moldova, republic of", "MD"}, {"venezuela, bolivarian republic of", "VE"},
        {"bolivia, plurinational state of", "BO"}, {"tanzania, united republic of", "TZ"},
        {"palestine", "PS"}, {"palestine, state of", "PS"}, {"burma", "MM"},
        {"republic of the congo", "CG"}, {"democratic republic of the congo", "CD"},
        {"congo, the democratic republic of the", "CD"}, {"eswatini", "SZ"}, {"swaziland", "SZ"},
        {"north macedonia", "MK"}, {"macedonia", "MK"}, {"cape verde", "CV"},
        {"vatican city", "VA"}, {"holy see", "VA"}, {"brunei darussalam", "BN"},
        {"micronesia, federated states of", "FM"}, {"east timor", "TL"},
    };
    for (const auto& alias : kAliases) (*names)[alias[0]] = alias[1];
    return names;
  }();
  return *kNames;
}

}  // namespace

std::string CountryCode(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return "";
  if (text.size() == 2 && std::isalpha(static_cast<unsigned char>(text[0])) &&
      std::isalpha(static_cast<unsigned char>(text[1]))) {
    std::string code(text);
    for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return code;
  }
  const auto& names = CountryNames();
  auto it = names.find(AsciiLower(text));
  return it == names.end() ? "" : it->second;
}

}  // namespace ingest
}  // namespace impostor
