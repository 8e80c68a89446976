// JsonWriter: a small streaming writer of compact JSON (RFC 8259) into a string.
//
// Strings are escaped correctly: quote, backslash and control characters are
// escaped (\n, \t, ... or \u00XX), U+2028/U+2029 are escaped so the output is also
// safe inside JavaScript, valid UTF-8 passes through unchanged, and every byte
// that is not part of valid UTF-8 (stray continuation bytes, overlong forms,
// surrogates, code points above U+10FFFF, truncated sequences) is replaced by
// U+FFFD, so the output is always valid UTF-8 whatever the input.
// Numbers: integers exactly; doubles in the shortest form that reads back to the
// same value ("0.1", "1e+21"), with NaN and infinities written as null (JSON has no
// such numbers).
//
// The writer inserts commas and colons itself; callers say what comes next:
//
//   std::string out;
//   JsonWriter w(&out);
//   w.BeginObject();
//   w.Key("name"); w.String("alice");
//   w.Key("hits"); w.BeginArray(); w.Int(1); w.Int(2); w.EndArray();
//   w.EndObject();                       // {"name":"alice","hits":[1,2]}
//
// Misuse (a value where a key is due, unbalanced End*) is a programming error: it
// is caught by assert in debug builds and produces malformed JSON otherwise.
//
// Ownership and thread safety: the writer appends to a string the caller owns and
// must keep alive; one writer per thread.
#ifndef IMPOSTOR_COMMON_JSON_WRITER_H_
#define IMPOSTOR_COMMON_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace impostor {

// Appends `text` as a quoted, escaped JSON string (see above) to *out.
void AppendJsonString(std::string* out, std::string_view text);

// Appends the shortest round-trip text of `value` ("null" when not finite).
void AppendJsonDouble(std::string* out, double value);

// Returns `text` with every invalid UTF-8 byte replaced by U+FFFD; valid input is
// returned unchanged.
std::string SanitizeUtf8(std::string_view text);

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();

  // The name of the next member; only inside an object.
  void Key(std::string_view key);

  void String(std::string_view value);
  void Int(int64_t value);
  void Uint(uint64_t value);
  void Double(double value);
  void Bool(bool value);
  void Null();
  // Inserts `json`, which must already be one valid JSON value, verbatim.
  void Raw(std::string_view json);

  // Key(k) followed by the value, for the common case.
  void Field(std::string_view key, std::string_view value) { Key(key); String(value); }
  void Field(std::string_view key, const char* value) { Key(key); String(value); }
  void Field(std::string_view key, const std::string& value) { Key(key); String(value); }
  void Field(std::string_view key, int64_t value) { Key(key); Int(value); }
  void Field(std::string_view key, int value) { Key(key); Int(value); }
  void Field(std::string_view key, uint64_t value) { Key(key); Uint(value); }
  void Field(std::string_view key, uint32_t value) { Key(key); Uint(value); }
  void Field(std::string_view key, double value) { Key(key); Double(value); }
  void Field(std::string_view key, bool value) { Key(key); Bool(value); }
  void RawField(std::string_view key, std::string_view json) { Key(key); Raw(json); }

  // True when every opened object and array has been closed.
  bool complete() const { return stack_.empty() && wrote_value_; }

 private:
  enum class Frame : uint8_t { kObjectKey, kObjectValue, kArray };
  // Writes the comma a value needs and updates the frame state.
  void BeforeValue();

  std::string* out_;
  std::vector<Frame> stack_;
  std::vector<bool> first_;  // per frame: nothing written yet
  bool wrote_value_ = false;
};

}  // namespace impostor

#endif  // IMPOSTOR_COMMON_JSON_WRITER_H_
