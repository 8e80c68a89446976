#include <string>
#include <unordered_map>

#include "resolve/normalize.h"

namespace impostor {
namespace {

// One spelling per street type, unit word and direction (USPS Publication 28
// abbreviations, plus common Australian and British types).
const std::unordered_map<std::string, std::string>& AddressTokens() {
  static const auto* kTokens = new std::unordered_map<std::string, std::string>{
      {"street", "st"},    {"str", "st"},       {"avenue", "ave"},   {"av", "ave"},
      {"road", "rd"},      {"drive", "dr"},     {"lane", "ln"},      {"place", "pl"},
      {"court", "ct"},     {"boulevard", "blvd"}, {"circuit", "cct"}, {"crescent", "cres"},
      {"terrace", "tce"},  {"highway", "hwy"},  {"parkway", "pkwy"}, {"square", "sq"},
      {"close", "cl"},     {"parade", "pde"},   {"circle", "cir"},   {"way", "way"},
      {"apartment", "unit"}, {"apt", "unit"},   {"suite", "unit"},   {"ste", "unit"},
      {"flat", "unit"},    {"unit", "unit"},    {"no", "unit"},      {"number", "unit"},
      {"floor", "fl"},     {"building", "bldg"}, {"north", "n"},     {"south", "s"},
      {"east", "e"},       {"west", "w"},       {"mount", "mt"},     {"saint", "st"},
      {"post", "po"},      {"box", "box"},
  };
  return *kTokens;
}

}  // namespace

std::string NormalizeAddress(std::string_view raw) {
  raw = TrimAscii(raw);
  if (IsOpaqueHash(raw)) return FoldName(raw);
  // '#' marks a unit number ("#4" -> "unit 4") before folding drops it.
  std::string prepared;
  prepared.reserve(raw.size() + 8);
  for (char c : raw) {
    if (c == '#') {
      prepared += " unit ";
    } else if (c == '-' || c == '\'') {
      prepared.push_back(' ');  // "12-14 Main St": keep numbers apart, unlike names
    } else {
      prepared.push_back(c);
    }
  }
  const std::string folded = FoldName(prepared);
  std::string out;
  out.reserve(folded.size());
  const auto& tokens = AddressTokens();
  size_t i = 0;
  std::string last;
  while (i < folded.size()) {
    size_t j = folded.find(' ', i);
    if (j == std::string::npos) j = folded.size();
    std::string token = folded.substr(i, j - i);
    i = j + 1;
    if (token.empty()) continue;
    auto it = tokens.find(token);
    if (it != tokens.end()) token = it->second;
    if (token == "unit" && last == "unit") continue;
    if (!out.empty()) out.push_back(' ');
    out += token;
    last = token;
  }
  return out;
}

std::string NormalizePostcode(std::string_view raw) {
  raw = TrimAscii(raw);
  std::string out;
  for (char c : raw) {
    if (c == ' ' || c == '-') continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (IsOpaqueHash(out)) {
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string NormalizeIdentifier(std::string_view raw) {
  raw = TrimAscii(raw);
  std::string out;
  for (char c : raw) {
    if (c == ' ' || c == '-' || c == '.' || c == '/' || c == '\t') continue;
    out.push_back(c);
  }
  const bool hashed = IsOpaqueHash(out);
  for (char& c : out) {
    c = hashed ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
               : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string NormalizeHandle(std::string_view raw) {
  raw = TrimAscii(raw);
  while (!raw.empty() && raw.back() == '/') raw.remove_suffix(1);
  const size_t slash = raw.rfind('/');
  if (slash != std::string_view::npos) raw.remove_prefix(slash + 1);
  if (!raw.empty() && raw.front() == '@') raw.remove_prefix(1);
  std::string out(raw);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace impostor
