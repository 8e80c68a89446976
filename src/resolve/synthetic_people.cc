#include "resolve/synthetic_people.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <string>

namespace impostor {
namespace {

const char* const kGiven[] = {
    "james", "robert", "john", "michael", "william", "david", "richard", "joseph", "thomas", "charles",
    "christopher", "daniel", "matthew", "anthony", "mark", "steven", "andrew", "joshua", "kenneth", "kevin",
    "mary", "patricia", "jennifer", "linda", "elizabeth", "barbara", "susan", "jessica", "sarah", "karen",
    "margaret", "nancy", "lisa", "betty", "sandra", "ashley", "kimberly", "emily", "donna", "michelle",
    "alexander", "benjamin", "samuel", "nicholas", "jonathan", "katherine", "victoria", "rebecca", "samantha",
    "olivia", "sophia", "isabella", "emma", "amelia", "liam", "noah", "ethan", "lucas", "mason", "logan",
    "minjun", "seoyeon", "jiwoo", "hyunwoo", "jisoo", "wei", "li", "jun", "mei", "hao", "ivan", "olga",
    "dmitri", "anna", "sergei", "priya", "arjun", "rahul", "ananya", "fatima", "omar", "yusuf", "aisha",
    "carlos", "maria", "jose", "lucia", "pablo", "elena", "chloe", "lea", "hugo", "jules", "greta", "felix"};
const char* const kNick[][2] = {{"james", "jim"},        {"robert", "bob"},   {"john", "jack"},
                                {"michael", "mike"},     {"william", "bill"}, {"richard", "rick"},
                                {"joseph", "joe"},       {"thomas", "tom"},   {"christopher", "chris"},
                                {"daniel", "dan"},       {"matthew", "matt"}, {"anthony", "tony"},
                                {"elizabeth", "liz"},    {"katherine", "kate"}, {"alexander", "alex"},
                                {"samuel", "sam"},       {"nicholas", "nick"}, {"jennifer", "jenny"},
                                {"margaret", "peggy"},   {"benjamin", "ben"}};
const char* const kSyllables[] = {"an", "ber", "car", "den", "el", "far", "gar", "hol", "in", "jen", "kin",
                                  "lar", "mor", "nel", "os", "per", "quin", "ros", "sten", "tor", "ul", "ver",
                                  "wil", "xan", "yor", "zel", "ski", "son", "man", "ley", "ton", "berg", "wood",
                                  "field", "ford", "well", "ham", "dale"};
const char* const kStreets[] = {"main", "oak", "pine", "maple", "cedar", "elm", "washington", "lake", "hill",
                                "park", "river", "sunset", "church", "mill", "highland", "forest", "spring",
                                "meadow", "ridge", "valley"};
const char* const kTypes[][2] = {{"street", "st"}, {"avenue", "ave"}, {"road", "rd"}, {"drive", "dr"},
                                 {"lane", "ln"},   {"court", "ct"},   {"place", "pl"}};
const char* const kDomains[] = {"gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "proton.me", "icloud.com"};
const char* const kCities[] = {"springfield", "riverside", "franklin", "greenville", "bristol", "clinton",
                               "fairview", "salem", "madison", "georgetown", "arlington", "ashland"};

struct Identity {
  std::string given, family, email_local, domain, phone, street_no, street, type, city, postcode, dob, bank;
  int type_index;
};

std::string Typo(std::string s, std::mt19937_64& rng) {
  if (s.size() < 3) return s;
  std::uniform_int_distribution<size_t> pos(1, s.size() - 1);
  const size_t i = pos(rng);
  switch (rng() % 3) {
    case 0: s[i] = static_cast<char>('a' + rng() % 26); break;          // substitution
    case 1: s.erase(i, 1); break;                                         // deletion
    default: if (i + 1 < s.size()) std::swap(s[i], s[i + 1]); break;     // transposition
  }
  return s;
}

std::string Capitalise(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

}  // namespace

SyntheticPeople GenerateSyntheticPeople(size_t records, uint64_t seed) {
  SyntheticPeople out;
  out.people.reserve(records);
  out.identity.reserve(records);
  std::mt19937_64 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  const size_t n_given = std::size(kGiven), n_syll = std::size(kSyllables);
  uint32_t identity_id = 0;
  while (out.people.size() < records) {
    Identity id;
    id.given = kGiven[pick(n_given)];
    id.family = std::string(kSyllables[pick(n_syll)]) + kSyllables[pick(n_syll)] + (chance(0.5) ? kSyllables[pick(n_syll)] : "");
    id.email_local = chance(0.5) ? id.given + "." + id.family : id.given.substr(0, 1) + id.family + std::to_string(pick(1000));
    id.domain = kDomains[pick(std::size(kDomains))];
    id.phone = fmt::format("{}{:03d}{:04d}", 201 + pick(700), pick(1000), pick(10000));
    id.street_no = std::to_string(1 + pick(9999));
    id.street = kStreets[pick(std::size(kStreets))];
    id.type_index = static_cast<int>(pick(std::size(kTypes)));
    id.city = kCities[pick(std::size(kCities))];
    id.postcode = fmt::format("{:05d}", 10000 + pick(80000));
    id.dob = fmt::format("{:04d}-{:02d}-{:02d}", 1950 + pick(54), 1 + pick(12), 1 + pick(28));
    id.bank = fmt::format("US{:02d}BANK{:010d}", pick(100), pick(10000000000ULL));
    // 1 to 6 records per identity, mean about 2.5.
    size_t copies = 1;
    while (copies < 6 && chance(0.6)) ++copies;
    for (size_t c = 0; c < copies && out.people.size() < records; ++c) {
      Person p;
      p.record_id = fmt::format("r{}", out.people.size());
      p.source = static_cast<PersonSource>(1 + pick(6));
      std::string given = id.given, family = id.family;
      if (c > 0) {
        if (chance(0.12)) {
          for (const auto& nk : kNick) {
            if (given == nk[0]) given = nk[1];
          }
        }
        if (chance(0.12)) given = Typo(given, rng);
        if (chance(0.12)) family = Typo(family, rng);
      }
      if (c > 0 && chance(0.03)) std::swap(given, family);
      if (chance(0.3)) {
        p.full_name = Capitalise(given) + " " + Capitalise(family);
      } else {
        p.given_name = Capitalise(given);
        p.family_name = Capitalise(family);
      }
      if (!(c > 0 && chance(0.25))) {
        std::string local = id.email_local;
        if (c > 0 && id.domain == "gmail.com" && chance(0.3)) {
          local.erase(std::remove(local.begin(), local.end(), '.'), local.end());
        }
        if (c > 0 && chance(0.15)) local += "+jobs";
        const std::string domain = (id.domain == "gmail.com" && c > 0 && chance(0.2)) ? "googlemail.com" : id.domain;
        p.email = local + "@" + domain;
        if (c > 0 && chance(0.05)) p.email = Typo(p.email, rng);
      }
      if (!(c > 0 && chance(0.3))) {
        const std::string& ph = id.phone;
        switch (pick(3)) {
          case 0: p.phones.push_back("+1" + ph); break;
          case 1: p.phones.push_back(fmt::format("+1 ({}) {}-{}", ph.substr(0, 3), ph.substr(3, 3), ph.substr(6))); break;
          default: p.phones.push_back(fmt::format("+1 {} {} {}", ph.substr(0, 3), ph.substr(3, 3), ph.substr(6)));
        }
      }
      if (!(c > 0 && chance(0.2))) {
        p.address = id.street_no + " " + Capitalise(id.street) + " " +
                    (chance(0.5) ? kTypes[id.type_index][0] : kTypes[id.type_index][1]);
        p.city = Capitalise(id.city);
        p.postcode = id.postcode;
        p.country = "US";
      }
      if (!(c > 0 && chance(0.15))) {
        p.dob = id.dob;
        if (c > 0 && chance(0.05)) p.dob = Typo(p.dob, rng);
      }
      if (chance(0.3)) p.bank_account = id.bank;
      p.source_file = "synthetic";
      p.source_line = out.people.size() + 2;
      out.people.push_back(std::move(p));
      out.identity.push_back(identity_id);
    }
    ++identity_id;
  }
  return out;
}

}  // namespace impostor
