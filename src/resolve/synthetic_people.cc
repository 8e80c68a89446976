#include "resolve/synthetic_people.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <string>
#include <unordered_set>

namespace impostor {
namespace {

// Common given names (several cultures), most frequent ranks first.
const char* const kCommonGiven[] = {
    "james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david", "elizabeth",
    "william", "barbara", "richard", "susan", "joseph", "jessica", "thomas", "sarah", "charles", "karen",
    "christopher", "lisa", "daniel", "nancy", "matthew", "betty", "anthony", "margaret", "mark", "sandra",
    "donald", "ashley", "steven", "kimberly", "paul", "emily", "andrew", "donna", "joshua", "michelle",
    "kenneth", "carol", "kevin", "amanda", "brian", "dorothy", "george", "melissa", "timothy", "deborah",
    "ronald", "stephanie", "edward", "rebecca", "jason", "sharon", "jeffrey", "laura", "ryan", "cynthia",
    "jacob", "kathleen", "gary", "amy", "nicholas", "angela", "eric", "shirley", "jonathan", "anna",
    "stephen", "brenda", "larry", "pamela", "justin", "emma", "scott", "nicole", "brandon", "helen",
    "benjamin", "samantha", "samuel", "katherine", "gregory", "christine", "alexander", "debra", "frank",
    "rachel", "patrick", "carolyn", "raymond", "janet", "jack", "catherine", "dennis", "maria", "jerry",
    "heather", "tyler", "diane", "aaron", "ruth", "jose", "julie", "adam", "olivia", "nathan", "joyce",
    "henry", "virginia", "douglas", "victoria", "zachary", "kelly", "peter", "lauren", "kyle", "christina",
    "ethan", "joan", "walter", "evelyn", "noah", "judith", "jeremy", "megan", "christian", "andrea",
    "keith", "cheryl", "roger", "hannah", "terry", "jacqueline", "austin", "martha", "sean", "gloria",
    "gerald", "teresa", "carl", "ann", "harold", "sara", "dylan", "madison", "arthur", "frances", "lawrence",
    "kathryn", "jordan", "janice", "jesse", "jean", "bryan", "abigail", "billy", "alice", "bruce", "judy",
    "gabriel", "sophia", "joe", "grace", "logan", "denise", "albert", "amber", "willie", "doris", "alan",
    "marilyn", "eugene", "danielle", "russell", "beverly", "vincent", "isabella", "philip", "theresa",
    "bobby", "diana", "johnny", "natalie", "bradley", "brittany", "roy", "charlotte", "minjun", "seoyeon",
    "jiwoo", "hyunwoo", "jisoo", "jihoon", "yuna", "wei", "jun", "mei", "hao", "xin", "yan", "ivan", "olga",
    "dmitri", "sergei", "natalia", "priya", "arjun", "rahul", "ananya", "vikram", "fatima", "omar", "yusuf",
    "aisha", "ahmed", "carlos", "luis", "lucia", "pablo", "elena", "sofia", "diego", "chloe", "lea", "hugo",
    "jules", "greta", "felix", "lukas", "mateo", "hiroshi", "yuki", "kenji", "thanh", "linh", "minh"};

// Common family names, most frequent first.
const char* const kCommonFamily[] = {
    "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez",
    "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor", "moore", "jackson", "martin",
    "lee", "perez", "thompson", "white", "harris", "sanchez", "clark", "ramirez", "lewis", "robinson",
    "walker", "young", "allen", "king", "wright", "scott", "torres", "nguyen", "hill", "flores", "green",
    "adams", "nelson", "baker", "hall", "rivera", "campbell", "mitchell", "carter", "roberts", "kim",
    "park", "choi", "wang", "li", "zhang", "liu", "chen", "yang", "huang", "patel", "singh", "kumar",
    "sharma", "ivanov", "smirnov", "petrov", "muller", "schmidt", "schneider", "fischer", "weber", "rossi",
    "russo", "ferrari", "dubois", "durand", "moreau", "silva", "santos", "oliveira", "sato", "suzuki",
    "takahashi", "tanaka", "tran", "pham", "khan", "ali", "hussain", "cohen", "levy", "murphy", "kelly",
    "obrien", "ryan", "walsh", "byrne", "gomez", "diaz", "reyes", "cruz", "morales", "ortiz", "gutierrez",
    "chavez", "ramos", "ruiz", "alvarez", "mendoza", "castillo", "jimenez", "moreno", "romero", "herrera",
    "medina", "aguilar", "vargas", "phillips", "evans", "turner", "parker", "collins", "edwards", "stewart",
    "morris", "murray", "cook", "rogers", "morgan", "peterson", "cooper", "reed", "bailey", "bell", "howard",
    "ward", "cox", "richardson", "wood", "watson", "brooks", "bennett", "gray", "james", "hughes", "price",
    "sanders", "myers", "long", "ross", "foster", "powell", "jenkins", "perry", "russell", "sullivan"};

const char* const kNick[][2] = {{"james", "jim"},        {"robert", "bob"},   {"john", "jack"},
                                {"michael", "mike"},     {"william", "bill"}, {"richard", "rick"},
                                {"joseph", "joe"},       {"thomas", "tom"},   {"christopher", "chris"},
                                {"daniel", "dan"},       {"matthew", "matt"}, {"anthony", "tony"},
                                {"elizabeth", "liz"},    {"katherine", "kate"}, {"alexander", "alex"},
                                {"samuel", "sam"},       {"nicholas", "nick"}, {"jennifer", "jenny"},
                                {"margaret", "peggy"},   {"benjamin", "ben"}, {"steven", "steve"},
                                {"patricia", "pat"},     {"kimberly", "kim"}, {"jonathan", "jon"},
                                {"edward", "ed"},        {"timothy", "tim"},  {"rebecca", "becky"}};

// Syllable inventories for composed names.
const char* const kOnsets[] = {"b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "j", "k", "kr", "l", "m",
                               "n", "p", "r", "s", "sh", "st", "t", "tr", "v", "w", "y", "z", "", "th", "bl"};
const char* const kVowels[] = {"a", "e", "i", "o", "u", "ai", "ea", "ia", "ou", "y", "ei", "oa"};
const char* const kGivenEnds[] = {"a", "an", "ie", "o", "us", "el", "en", "in", "on", "ia", "ine", "ette", "ard",
                                  "ric", "ton", "lyn", "na", "ra", "ius", "ek", "or", "is", "ah", "ey", "im"};
const char* const kFamilyEnds[] = {"son", "sen", "man", "er", "ley", "ton", "berg", "wood", "field", "ford",
                                   "well", "ham", "dale", "ski", "ova", "ez", "es", "ini", "elli", "ov", "ic",
                                   "ard", "ett", "ing", "stein", "mann", "ak", "ara", "ui", "o", "an", "ens"};
const char* const kPlaceEnds[] = {"ville", "ton", "field", "burg", "port", "wood", "dale", "ford", "ham",
                                  "view", "creek", "haven", "bury", "mont", "stead"};
const char* const kStreetWords[] = {"main", "oak", "pine", "maple", "cedar", "elm", "washington", "lake", "hill",
                                    "park", "river", "sunset", "church", "mill", "highland", "forest", "spring",
                                    "meadow", "ridge", "valley", "lincoln", "jefferson", "walnut", "cherry"};
const char* const kTypes[][2] = {{"street", "st"}, {"avenue", "ave"}, {"road", "rd"}, {"drive", "dr"},
                                 {"lane", "ln"},   {"court", "ct"},   {"place", "pl"}, {"boulevard", "blvd"},
                                 {"terrace", "ter"}, {"circle", "cir"}};
const char* const kDomains[] = {"gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "proton.me", "icloud.com",
                                "aol.com", "mail.com", "gmx.com", "fastmail.com"};

// A pool of distinct values sampled with weight 1 / (rank + kZipfOffset): a Zipf
// head flattened over its first ranks, as name frequencies are.
constexpr double kZipfOffset = 10.0;

struct Pool {
  std::vector<std::string> values;
  std::vector<double> cumulative;

  void Finish() {
    cumulative.resize(values.size());
    double sum = 0;
    for (size_t r = 0; r < values.size(); ++r) {
      sum += 1.0 / (static_cast<double>(r) + 1.0 + kZipfOffset);
      cumulative[r] = sum;
    }
  }
  const std::string& Draw(std::mt19937_64& rng) const {
    const double x = std::uniform_real_distribution<double>(0, cumulative.back())(rng);
    const size_t r = std::upper_bound(cumulative.begin(), cumulative.end(), x) - cumulative.begin();
    return values[std::min(r, values.size() - 1)];
  }
};

template <size_t N>
const char* PickFrom(const char* const (&list)[N], std::mt19937_64& rng) {
  return list[rng() % N];
}

// Seeded composition of distinct names: `head` first (the commonest ranks), then
// syllable names until `size`; the rank order of composed names is random.
template <typename Compose>
Pool BuildPool(const char* const* head, size_t head_size, size_t size, uint64_t seed, Compose compose) {
  Pool pool;
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < head_size; ++i) {
    if (seen.insert(head[i]).second) pool.values.emplace_back(head[i]);
  }
  std::mt19937_64 rng(seed);
  while (pool.values.size() < size) {
    std::string name = compose(rng);
    if (name.size() >= 3 && seen.insert(name).second) pool.values.push_back(std::move(name));
  }
  pool.Finish();
  return pool;
}

struct NamePools {
  Pool given, family, city, street;
};

const NamePools& Pools() {
  static const NamePools pools = [] {
    NamePools p;
    p.given = BuildPool(kCommonGiven, std::size(kCommonGiven), 5000, 1, [](std::mt19937_64& rng) {
      std::string s = std::string(PickFrom(kOnsets, rng)) + PickFrom(kVowels, rng);
      if (rng() % 2) s += std::string(PickFrom(kOnsets, rng)) + PickFrom(kVowels, rng);
      return s + PickFrom(kGivenEnds, rng);
    });
    p.family = BuildPool(kCommonFamily, std::size(kCommonFamily), 150000, 2, [](std::mt19937_64& rng) {
      std::string s;
      const int syllables = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < syllables; ++i) s += std::string(PickFrom(kOnsets, rng)) + PickFrom(kVowels, rng);
      return s + PickFrom(kFamilyEnds, rng);
    });
    p.city = BuildPool(nullptr, 0, 3000, 3, [](std::mt19937_64& rng) {
      std::string s = std::string(PickFrom(kOnsets, rng)) + PickFrom(kVowels, rng);
      if (rng() % 2) s += std::string(PickFrom(kOnsets, rng)) + PickFrom(kVowels, rng);
      return s + PickFrom(kPlaceEnds, rng);
    });
    p.street = BuildPool(kStreetWords, std::size(kStreetWords), 15000, 4, [&p](std::mt19937_64& rng) {
      // Streets are named after people as often as after trees.
      return p.family.values[rng() % p.family.values.size()];
    });
    return p;
  }();
  return pools;
}

struct Identity {
  std::string given, family, email_local, domain, phone, street_no, street, city, postcode, dob, bank;
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
  const NamePools& pools = Pools();
  SyntheticPeople out;
  out.people.reserve(records);
  out.identity.reserve(records);
  std::mt19937_64 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  uint32_t identity_id = 0;
  std::unordered_set<std::string> used_emails;
  while (out.people.size() < records) {
    Identity id;
    id.given = pools.given.Draw(rng);
    id.family = pools.family.Draw(rng);
    switch (pick(4)) {
      case 0: id.email_local = id.given + "." + id.family; break;
      case 1: id.email_local = id.given + id.family + std::to_string(pick(100)); break;
      case 2: id.email_local = id.given.substr(0, 1) + id.family + std::to_string(pick(1000)); break;
      default: id.email_local = id.family + "_" + id.given.substr(0, 1) + std::to_string(1950 + pick(60));
    }
    id.domain = kDomains[pick(std::size(kDomains))];
    // A mailbox belongs to one person: a namesake who finds the address taken adds digits.
    auto mailbox = [&] {
      std::string local = id.email_local;
      if (id.domain == "gmail.com") local.erase(std::remove(local.begin(), local.end(), '.'), local.end());
      return local + "@" + id.domain;
    };
    while (!used_emails.insert(mailbox()).second) id.email_local += std::to_string(pick(10));
    id.phone = fmt::format("{}{:03d}{:04d}", 201 + pick(700), pick(1000), pick(10000));
    id.street_no = std::to_string(1 + pick(9999));
    id.street = pools.street.Draw(rng);
    id.type_index = static_cast<int>(pick(std::size(kTypes)));
    id.city = pools.city.Draw(rng);
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
