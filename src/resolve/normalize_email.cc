#include <fstream>

#include "common/strings.h"
#include "resolve/normalize.h"

namespace impostor {
namespace {

bool IsYahoo(std::string_view d) {
  return d == "yahoo.com" || d == "ymail.com" || d == "rocketmail.com" || d.rfind("yahoo.", 0) == 0;
}

bool IsYandexAlias(std::string_view d) {
  return d == "ya.ru" || d == "yandex.ua" || d == "yandex.kz" || d == "yandex.by" || d == "yandex.com";
}

}  // namespace

bool NormalizeEmail(std::string_view raw, EmailKey* out) {
  *out = EmailKey();
  raw = TrimAscii(raw);
  if (raw.size() >= 7 && AsciiLower(raw.substr(0, 7)) == "mailto:") raw.remove_prefix(7);
  if (IsOpaqueHash(raw)) {
    out->raw = out->normalized = out->local = AsciiLower(raw);
    return true;
  }
  const size_t at = raw.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == raw.size()) return false;
  out->raw = AsciiLower(raw);
  std::string local = out->raw.substr(0, at);
  std::string domain = out->raw.substr(at + 1);
  while (!domain.empty() && domain.back() == '.') domain.pop_back();
  if (domain == "googlemail.com") domain = "gmail.com";
  if (IsYandexAlias(domain)) domain = "yandex.ru";
  if (IsYahoo(domain)) {
    const size_t dash = local.rfind('-');
    if (dash != std::string::npos && dash > 0) local.resize(dash);
  } else {
    // Sub-addressing: Gmail, Outlook/Hotmail/Live/MSN, iCloud, Fastmail, Proton and
    // most self-hosted servers deliver local+tag to local.
    const size_t plus = local.find('+');
    if (plus != std::string::npos && plus > 0) local.resize(plus);
  }
  if (domain == "gmail.com") {
    // Single dots are ignored by Gmail; runs of dots are kept (validator.js rule).
    std::string undotted;
    for (size_t i = 0; i < local.size(); ++i) {
      if (local[i] == '.' && !(i + 1 < local.size() && local[i + 1] == '.') &&
          !(i > 0 && local[i - 1] == '.')) {
        continue;
      }
      undotted.push_back(local[i]);
    }
    local = undotted;
  }
  out->local = local;
  out->domain = domain;
  out->normalized = local + "@" + domain;
  std::string pattern;
  for (char c : local) {
    if (c >= 'a' && c <= 'z') pattern.push_back(c);
  }
  if (pattern.size() >= 4) out->pattern = pattern;
  return true;
}

Result<EmailDomainCatalog> EmailDomainCatalog::Load(const std::string& catalog_dir) {
  EmailDomainCatalog catalog;
  {
    // domains.json is a JSON array of strings, one per line; a string scan is enough.
    const std::string path = catalog_dir + "/free_email_domains/domains.json";
    std::ifstream in(path);
    if (!in) return Status::NotFound("free e-mail domain catalogue not found: " + path);
    std::string line;
    while (std::getline(in, line)) {
      const size_t q1 = line.find('"');
      if (q1 == std::string::npos) continue;
      const size_t q2 = line.find('"', q1 + 1);
      if (q2 == std::string::npos) continue;
      catalog.free_.insert(AsciiLower(line.substr(q1 + 1, q2 - q1 - 1)));
    }
  }
  {
    const std::string path = catalog_dir + "/disposable_email_domains/disposable_email_blocklist.conf";
    std::ifstream in(path);
    if (!in) return Status::NotFound("disposable e-mail domain catalogue not found: " + path);
    std::string line;
    while (std::getline(in, line)) {
      std::string_view d = TrimAscii(line);
      if (!d.empty() && d[0] != '#') catalog.disposable_.insert(AsciiLower(d));
    }
  }
  return catalog;
}

}  // namespace impostor
