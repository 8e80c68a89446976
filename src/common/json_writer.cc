#include "common/json_writer.h"

#include <cassert>
#include <charconv>
#include <cmath>

namespace impostor {

namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i] (2..4), or 0 when the bytes
// there are not valid UTF-8 (RFC 3629 table: no overlongs, no surrogates, nothing
// above U+10FFFF). s[i] must be >= 0x80.
size_t ValidUtf8Length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  const size_t left = s.size() - i;
  const auto cont = [&](size_t k) { return (byte(k) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    return left >= 2 && cont(i + 1) ? 2 : 0;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3) return 0;
    const unsigned char b1 = byte(i + 1);
    if (b0 == 0xE0 && (b1 < 0xA0 || b1 > 0xBF)) return 0;  // overlong
    if (b0 == 0xED && (b1 < 0x80 || b1 > 0x9F)) return 0;  // surrogates
    if ((b1 & 0xC0) != 0x80 || !cont(i + 2)) return 0;
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4) return 0;
    const unsigned char b1 = byte(i + 1);
    if (b0 == 0xF0 && (b1 < 0x90 || b1 > 0xBF)) return 0;  // overlong
    if (b0 == 0xF4 && (b1 < 0x80 || b1 > 0x8F)) return 0;  // above U+10FFFF
    if ((b1 & 0xC0) != 0x80 || !cont(i + 2) || !cont(i + 3)) return 0;
    return 4;
  }
  return 0;  // 0x80..0xC1 (continuation or overlong lead), 0xF5..0xFF
}

// True for bytes that can be copied into a JSON string without a second look.
inline bool IsPlainAscii(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

}  // namespace

void AppendJsonString(std::string* out, std::string_view text) {
  out->reserve(out->size() + text.size() + 2);
  out->push_back('"');
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    // Copy the longest run of bytes that need no escaping in one append.
    size_t run = i;
    while (run < n && IsPlainAscii(static_cast<unsigned char>(text[run]))) ++run;
    if (run > i) {
      out->append(text.data() + i, run - i);
      i = run;
      if (i == n) break;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\b': out->append("\\b"); break;
        case '\f': out->append("\\f"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        default: {
          const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          out->append(esc, 6);
        }
      }
      ++i;
      continue;
    }
    const size_t len = ValidUtf8Length(text, i);
    if (len == 0) {
      out->append(kReplacement);
      ++i;
      continue;
    }
    // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR are valid JSON but end
    // a line in JavaScript; escape them so the output can be embedded anywhere.
    if (len == 3 && c == 0xE2 && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0xA8 || static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
      out->append(static_cast<unsigned char>(text[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029");
    } else {
      out->append(text.data() + i, len);
    }
    i += len;
  }
  out->push_back('"');
}

void AppendJsonDouble(std::string* out, double value) {
  if (!std::isfinite(value)) {
    out->append("null");
    return;
  }
  char buf[32];
  // Shortest representation that round-trips. Integral values print as "3" and
  // large ones as "1e+21", both valid JSON numbers.
  const auto res = std::to_chars(buf, buf + sizeof(buf), value);
  if (res.ec != std::errc()) {
    out->append("null");
    return;
  }
  out->append(buf, static_cast<size_t>(res.ptr - buf));
}

std::string SanitizeUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    const size_t len = ValidUtf8Length(text, i);
    if (len == 0) {
      out.append(kReplacement);
      ++i;
    } else {
      out.append(text.data() + i, len);
      i += len;
    }
  }
  return out;
}

void JsonWriter::BeforeValue() {
  if (stack_.empty()) {
    assert(!wrote_value_ && "JsonWriter: only one top-level value");
    wrote_value_ = true;
    return;
  }
  switch (stack_.back()) {
    case Frame::kObjectKey:
      assert(false && "JsonWriter: value where a key is due");
      break;
    case Frame::kObjectValue:
      stack_.back() = Frame::kObjectKey;  // the colon was written by Key()
      break;
    case Frame::kArray:
      if (!first_.back()) out_->push_back(',');
      first_.back() = false;
      break;
  }
}

void JsonWriter::BeginObject() {
  BeforeValue();
  out_->push_back('{');
  stack_.push_back(Frame::kObjectKey);
  first_.push_back(true);
}

void JsonWriter::EndObject() {
  assert(!stack_.empty() && stack_.back() == Frame::kObjectKey && "JsonWriter: unbalanced EndObject");
  if (stack_.empty()) return;
  stack_.pop_back();
  first_.pop_back();
  out_->push_back('}');
}

void JsonWriter::BeginArray() {
  BeforeValue();
  out_->push_back('[');
  stack_.push_back(Frame::kArray);
  first_.push_back(true);
}

void JsonWriter::EndArray() {
  assert(!stack_.empty() && stack_.back() == Frame::kArray && "JsonWriter: unbalanced EndArray");
  if (stack_.empty()) return;
  stack_.pop_back();
  first_.pop_back();
  out_->push_back(']');
}

void JsonWriter::Key(std::string_view key) {
  assert(!stack_.empty() && stack_.back() == Frame::kObjectKey && "JsonWriter: key outside an object");
  if (stack_.empty()) return;
  if (!first_.back()) out_->push_back(',');
  first_.back() = false;
  AppendJsonString(out_, key);
  out_->push_back(':');
  stack_.back() = Frame::kObjectValue;
}

void JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(out_, value);
}

void JsonWriter::Int(int64_t value) {
  BeforeValue();
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof(buf), value);
  out_->append(buf, static_cast<size_t>(res.ptr - buf));
}

void JsonWriter::Uint(uint64_t value) {
  BeforeValue();
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof(buf), value);
  out_->append(buf, static_cast<size_t>(res.ptr - buf));
}

void JsonWriter::Double(double value) {
  BeforeValue();
  AppendJsonDouble(out_, value);
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  out_->append(value ? "true" : "false");
}

void JsonWriter::Null() {
  BeforeValue();
  out_->append("null");
}

void JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_->append(json);
}

}  // namespace impostor
