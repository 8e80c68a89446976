// Helpers the JSON readers share: case-insensitive keys, typed field access that
// reports wrong types as reject reasons, and the small normalisations every
// reader applies (account case, IP, coordinates). Internal to src/ingest/.
//
// Thread safety: free functions over caller-owned values; a RecordContext is
// used by one thread at a time.
#ifndef IMPOSTOR_INGEST_JSON_FIELDS_H_
#define IMPOSTOR_INGEST_JSON_FIELDS_H_

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/strings.h"
#include "common/time.h"
#include "records/signin.h"

namespace impostor {
namespace ingest {

namespace od = simdjson::ondemand;

// What one record turned into.
struct RecordResult {
  enum class Kind : uint8_t { kSignIn, kSkipped, kRejected };
  Kind kind = Kind::kSignIn;
  std::string detail;  // skip kind ("okta eventType user.lifecycle.create") or reject reason

  static RecordResult Ok() { return {}; }
  static RecordResult Skip(std::string kind) { return {Kind::kSkipped, std::move(kind)}; }
  static RecordResult Reject(std::string reason) { return {Kind::kRejected, std::move(reason)}; }
  bool ok() const { return kind == Kind::kSignIn; }
};

// Scratch state a reader may use while reading one record: a second parser for
// JSON that arrives inside strings (Log Analytics LocationDetails, Okta
// logOnlySecurityData). Owned by the caller, reused across records.
struct RecordContext {
  od::parser nested_parser;
  simdjson::padded_string nested_text;
  // The input's day/month order for numeric dates ("01/09/2007"), decided once
  // per input from its first bytes or forced by ReadOptions::date_order.
  DayMonthOrder date_order = DayMonthOrder::kUnknown;
  // Optional fields of an unexpected type the reader ignored in the current
  // record (IgnoreTypeError); reader.cc counts them and clears the list.
  std::vector<std::string> ignored;
  // A document flattened to dotted paths and their values as text (ECS).
  std::vector<std::string> flat_keys, flat_values;
};

// An optional field's read that failed on a wrong type ("debugData": "" where an
// object belongs) is ignored and noted in ctx.ignored under the field the reason
// names, so the record's required fields still make a sign-in. Broken JSON is
// not a type question and stays an error. Returns the new ok.
inline bool IgnoreTypeError(RecordContext& ctx, bool ok, std::string* error) {
  if (ok || error->empty() || error->rfind("invalid JSON", 0) == 0) return ok;
  ctx.ignored.push_back(error->substr(0, error->find(':')));
  error->clear();
  return true;
}

// Parses a time cell or string with the input's day/month order and sets *out, or
// returns InvalidArgument whose message is the reject reason: not a time, or a
// numeric date whose order the input does not tell.
Status ParseTimeText(std::string_view text, std::string_view field, const RecordContext& ctx, TimeMs* out);

// ASCII case-insensitive equality; keys in the wild come as createdDateTime,
// CreatedDateTime and createddatetime.
inline bool KeyIs(std::string_view key, std::string_view name) {
  if (key.size() != name.size()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    char a = key[i], b = name[i];
    if (a == b) continue;
    if ((a | 0x20) != (b | 0x20) || ((a | 0x20) < 'a' || (a | 0x20) > 'z')) return false;
  }
  return true;
}


// The value as it appears in the input, shortened to 80 characters, for reasons.
std::string DescribeValue(od::value& value);
// "<field>: expected <what>, got <value>".
std::string TypeError(std::string_view field, std::string_view expected, od::value& value);
// "invalid JSON (<simdjson message>)".
std::string JsonError(simdjson::error_code error);

// Typed reads. Each returns false and sets *error on a wrong type; JSON null
// leaves *out untouched and returns true (an absent value is not an error).
bool ReadString(od::value& value, std::string_view field, std::string* out, std::string* error);
// A number, or a string holding one ("5089", as Log Analytics CSV writes it).
bool ReadDouble(od::value& value, std::string_view field, double* out, std::string* error);
bool ReadInt(od::value& value, std::string_view field, int64_t* out, std::string* error);
// true/false, or the strings "true"/"false"/"yes"/"no" (any case).
bool ReadBool(od::value& value, std::string_view field, bool* out, std::string* error);
// A time string (ParseTimestamp); with allow_epoch_number also epoch seconds or
// milliseconds as a JSON number (OCSF). A number where the schema has a string
// ("createdDateTime": 5) is a type error.
bool ReadTime(od::value& value, std::string_view field, TimeMs* out, std::string* error,
              bool allow_epoch_number = false, DayMonthOrder order = DayMonthOrder::kUnknown);
// Array of strings, or a string holding a JSON array of strings; appended to *out.
bool ReadStringList(od::value& value, std::string_view field, RecordContext& ctx,
                    std::vector<std::string>* out, std::string* error);

// Calls fn(od::object&) -> bool for a JSON object or a string holding one (Log
// Analytics writes LocationDetails and DeviceDetail both ways). null or an empty
// string: fn is not called, returns true.
// Runs fn(od::object&) over an object written as JSON text (Log Analytics exports
// carry LocationDetails, DeviceDetail and Status as strings). Blank text is no
// object and not an error.
template <typename Fn>
bool WithObjectText(std::string_view text, std::string_view field, RecordContext& ctx, std::string* error,
                    Fn&& fn) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return true;
  if (text[first] != '{') {
    *error = std::string(field) + ": expected an object or a JSON string holding one, got \"" +
             std::string(text.substr(0, 80)) + "\"";
    return false;
  }
  ctx.nested_text = simdjson::padded_string(text);
  od::document doc;
  od::object object;
  if (auto e = ctx.nested_parser.iterate(ctx.nested_text).get(doc)) {
    *error = std::string(field) + ": " + JsonError(e);
    return false;
  }
  if (auto e = doc.get_object().get(object)) {
    *error = std::string(field) + ": " + JsonError(e);
    return false;
  }
  return fn(object);
}

template <typename Fn>
bool WithObject(od::value& value, std::string_view field, RecordContext& ctx, std::string* error,
                Fn&& fn) {
  od::json_type type;
  if (auto e = value.type().get(type)) { *error = JsonError(e); return false; }
  if (type == od::json_type::null) return true;
  if (type == od::json_type::object) {
    od::object object;
    if (auto e = value.get_object().get(object)) { *error = JsonError(e); return false; }
    return fn(object);
  }
  if (type == od::json_type::string) {
    std::string_view text;
    if (auto e = value.get_string().get(text)) { *error = JsonError(e); return false; }
    return WithObjectText(text, field, ctx, error, fn);
  }
  *error = TypeError(field, "an object", value);
  return false;
}

// Iterates the fields of an object: fn(std::string_view key, od::value& value) -> bool.
// Returns false on broken JSON (sets *error) or when fn returns false.
template <typename Fn>
bool ForEachField(od::object& object, std::string* error, Fn&& fn) {
  for (auto field_result : object) {
    od::field field;
    if (auto e = std::move(field_result).get(field)) { *error = JsonError(e); return false; }
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) { *error = JsonError(e); return false; }
    if (!fn(key, field.value())) return false;
  }
  return true;
}

// Iterates an array: fn(od::value& element) -> bool. null is an empty array.
template <typename Fn>
bool ForEachElement(od::value& value, std::string_view field, std::string* error, Fn&& fn) {
  od::json_type type;
  if (auto e = value.type().get(type)) { *error = JsonError(e); return false; }
  if (type == od::json_type::null) return true;
  if (type != od::json_type::array) { *error = TypeError(field, "an array", value); return false; }
  od::array array;
  if (auto e = value.get_array().get(array)) { *error = JsonError(e); return false; }
  for (auto element_result : array) {
    od::value element;
    if (auto e = std::move(element_result).get(element)) { *error = JsonError(e); return false; }
    if (!fn(element)) return false;
  }
  return true;
}

// Sets ip_text and ip (when it parses; a host name or "redacted" stays text only).
void SetIp(std::string_view text, SignIn* signin);
// Stores coordinates unless invalid (|lat| > 90, |lon| > 180, NaN, 0/0): an
// invalid coordinate is dropped, the rest of the location and record kept.
void SetCoordinates(double lat, double lon, Location* location);
// The same from two text cells; false (location untouched) when either is not a
// number, so the caller can count the field as ignored. Empty cells: true, nothing set.
bool SetCoordinatesFromText(const std::string& lat, const std::string& lon, Location* location);
// A vendor country: ISO alpha-2 kept (upper-cased), an English name mapped to
// alpha-2 ("United States" -> "US"); "" when unknown.
std::string CountryCode(std::string_view text);

}  // namespace ingest
}  // namespace impostor

#endif  // IMPOSTOR_INGEST_JSON_FIELDS_H_
