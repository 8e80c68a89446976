// EnumName: the names of an enum's values as one table ({value, name} per value),
// so that each name is written once, and the lookups over such a table: value to
// name, name to value, and the list of names (for the API's allowed values).
//
// Thread safety: pure functions over constant tables.
#ifndef IMPOSTOR_STORE_ENUM_NAMES_H_
#define IMPOSTOR_STORE_ENUM_NAMES_H_

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace impostor {

template <typename E>
struct EnumName {
  E value;
  const char* name;  // lower case
};

// The name of `value`; the first entry's for a value the table lacks (only a cast
// makes one).
template <typename E, size_t N>
constexpr const char* NameOf(const EnumName<E> (&table)[N], E value) {
  for (const EnumName<E>& e : table) {
    if (e.value == value) return e.name;
  }
  return table[0].name;
}

// Sets *value to the entry named `text` and returns true; false when no entry is.
// `ignore_case`: ASCII letters of `text` match in either case.
template <typename E, size_t N>
bool ValueOf(const EnumName<E> (&table)[N], std::string_view text, E* value, bool ignore_case = false) {
  for (const EnumName<E>& e : table) {
    const std::string_view name = e.name;
    if (name.size() != text.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) {
      const char c = ignore_case ? static_cast<char>(std::tolower(static_cast<unsigned char>(text[i]))) : text[i];
      same = c == name[i];
    }
    if (same) {
      *value = e.value;
      return true;
    }
  }
  return false;
}

// Every name, in table order.
template <typename E, size_t N>
std::vector<std::string> NamesOf(const EnumName<E> (&table)[N]) {
  std::vector<std::string> out;
  out.reserve(N);
  for (const EnumName<E>& e : table) out.emplace_back(e.name);
  return out;
}

}  // namespace impostor

#endif  // IMPOSTOR_STORE_ENUM_NAMES_H_
