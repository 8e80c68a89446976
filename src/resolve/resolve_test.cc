#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "resolve/normalize.h"
#include "resolve/people_reader.h"
#include "resolve/persona_detectors.h"
#include "resolve/persona_ids.h"
#include "resolve/persona_json.h"
#include "resolve/resolver.h"
#include "resolve/string_similarity.h"

namespace impostor {
namespace {

class CollectRejects : public RejectSink {
 public:
  void OnReject(const Reject& r) override { rejects.push_back(r); }
  std::vector<Reject> rejects;
};

class CollectFindings : public FindingSink {
 public:
  void OnFinding(Finding&& f) override { findings.push_back(std::move(f)); }
  std::vector<Finding> findings;
};

TEST(StringSimilarityTest, KnownValues) {
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.9611, 1e-3);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.8133, 1e-3);
  EXPECT_EQ(BoundedEditDistance("19810523", "19810532", 2), 1);  // transposition
  EXPECT_EQ(BoundedEditDistance("kitten", "sitting", 5), 3);
  EXPECT_EQ(BoundedEditDistance("kitten", "sitting", 1), 2);
  EXPECT_EQ(Soundex("robert"), "r163");
  EXPECT_EQ(Soundex("rupert"), "r163");
  EXPECT_EQ(Soundex("ashcraft"), "a261");
  EXPECT_DOUBLE_EQ(TokenJaccard("12 main st", "main st 12"), 1.0);
}

TEST(NormalizeTest, Names) {
  EXPECT_EQ(FoldName("  Zoë  Ñúñez "), "zoe nunez");
  EXPECT_EQ(FoldName("O'Brien-Smith"), "obriensmith");
  EXPECT_EQ(FoldName("김정은"), "gim jeongeun");
  EXPECT_EQ(FoldName("Сергей"), "sergej");
  std::string given, family;
  SplitFullName(FoldName("김정은"), IsFamilyFirstScript("김정은"), &given, &family);
  EXPECT_EQ(family, "gim");
  EXPECT_EQ(given, "jeongeun");
  Result<NameCatalog> names = NameCatalog::Load(std::string(IMPOSTOR_DATA_DIR) + "/catalog");
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  EXPECT_NE(names->SurnameClass("gim"), 0u);
  EXPECT_EQ(names->SurnameClass("gim"), names->SurnameClass("kim"));
  EXPECT_EQ(names->SurnameClass("ri"), names->SurnameClass("lee"));
  EXPECT_EQ(names->SurnameClass("bag"), names->SurnameClass("park"));
  EXPECT_NE(names->SurnameClass("park"), names->SurnameClass("kim"));
  const auto& bob = names->GivenClasses("bob");
  const auto& robert = names->GivenClasses("robert");
  bool shared = false;
  for (uint32_t a : bob) {
    for (uint32_t b : robert) shared |= a == b;
  }
  EXPECT_TRUE(shared);
  EXPECT_FALSE(NameCatalog::Load("/nonexistent").ok());
}

TEST(NormalizeTest, Email) {
  EmailKey k;
  ASSERT_TRUE(NormalizeEmail("J.Smith+jobs@GoogleMail.com", &k));
  EXPECT_EQ(k.normalized, "jsmith@gmail.com");
  ASSERT_TRUE(NormalizeEmail("john.smith+x@outlook.com", &k));
  EXPECT_EQ(k.normalized, "john.smith@outlook.com");
  ASSERT_TRUE(NormalizeEmail("jane-spam@yahoo.com", &k));
  EXPECT_EQ(k.normalized, "jane@yahoo.com");
  ASSERT_TRUE(NormalizeEmail("ivan@ya.ru", &k));
  EXPECT_EQ(k.normalized, "ivan@yandex.ru");
  ASSERT_TRUE(NormalizeEmail("john.smith1987@proton.me", &k));
  EXPECT_EQ(k.pattern, "johnsmith");
  EXPECT_FALSE(NormalizeEmail("not an email", &k));
  Result<EmailDomainCatalog> domains = EmailDomainCatalog::Load(std::string(IMPOSTOR_DATA_DIR) + "/catalog");
  ASSERT_TRUE(domains.ok());
  EXPECT_TRUE(domains->IsFree("gmail.com"));
  EXPECT_FALSE(domains->IsFree("contoso-example-corp.com"));
}

TEST(NormalizeTest, PhonesAddressesDatesIdentifiers) {
  EXPECT_EQ(NormalizePhone("(415) 555-0123", "US"), "+14155550123");
  EXPECT_EQ(NormalizePhone("+1 415 555 0123", "GB"), "+14155550123");
  EXPECT_EQ(NormalizePhone("020 7946 0018", "GB"), "+442079460018");
  EXPECT_EQ(NormalizePhone("hello", "US"), "");
  EXPECT_EQ(NormalizeAddress("12 Main Street, Apt. #4"), "12 main st unit 4");
  EXPECT_EQ(NormalizeAddress("12 MAIN ST APARTMENT 4"), "12 main st unit 4");
  EXPECT_EQ(NormalizeDate("2024-05-01", DateOrder::kDayFirst), "20240501");
  EXPECT_EQ(NormalizeDate("01/05/2024", DateOrder::kDayFirst), "20240501");
  EXPECT_EQ(NormalizeDate("05/01/2024", DateOrder::kMonthFirst), "20240501");
  EXPECT_EQ(NormalizeDate("25/12/1990", DateOrder::kMonthFirst), "19901225");
  EXPECT_EQ(NormalizeDate("20240501", DateOrder::kDayFirst), "20240501");
  EXPECT_EQ(NormalizeDate("1 May 2024", DateOrder::kDayFirst), "20240501");
  EXPECT_EQ(NormalizeDate("May 1, 2024", DateOrder::kDayFirst), "20240501");
  EXPECT_EQ(NormalizeDate("2024-05-01T12:00:00Z", DateOrder::kDayFirst), "20240501");
  EXPECT_EQ(NormalizeDate("2024-13-01", DateOrder::kDayFirst), "");
  EXPECT_EQ(NormalizeIdentifier("gb82 west-1234 5698"), "GB82WEST12345698");
  const std::string hash(64, 'A');
  EXPECT_TRUE(IsOpaqueHash(hash));
  EXPECT_EQ(NormalizeIdentifier(hash), std::string(64, 'a'));
  EXPECT_EQ(NormalizeHandle("https://github.com/octocat/"), "octocat");
}

TEST(PeopleReaderTest, CsvRejectsAndQuotes) {
  const std::string csv =
      "record_id,full_name,email,phone\n"
      "r1,\"Smith, John\",john@example.com,+1 415 555 0123;+1 415 555 0199\n"
      "r2,Jane Doe\n"                  // wrong field count
      ",Nobody,nobody@example.com,\n"  // no record_id
      "r1,Again,again@example.com,\n"  // duplicate
      "r3,\"Multi\nLine\",m@example.com,\n";
  std::vector<Person> people;
  CollectRejects rejects;
  PeopleReadStats stats;
  ASSERT_TRUE(ParsePeople(csv, "people.csv", LinkageConfig(), &people, rejects, &stats).ok());
  ASSERT_EQ(people.size(), 2u);
  EXPECT_EQ(people[0].full_name, "Smith, John");
  EXPECT_EQ(people[0].phones.size(), 2u);
  EXPECT_EQ(people[1].full_name, "Multi\nLine");
  EXPECT_EQ(people[1].source_line, 6u);
  ASSERT_EQ(rejects.rejects.size(), 3u);
  EXPECT_EQ(rejects.rejects[0].line, 3u);
  EXPECT_EQ(rejects.rejects[1].reason, "record_id: missing");
  EXPECT_EQ(stats.rejected, 3u);
}

// Every input may be gzipped, people files too: the same rows, read through the
// sign-in readers' input source, with rejects still naming the file and line.
TEST(PeopleReaderTest, GzippedFileReadsLikeThePlainOne) {
  const std::string csv = "record_id,full_name,email\nr1,Ann Lee,ann@example.com\nr2\nr3,Bo Chen,bo@example.com\n";
  const std::string path = std::string(IMPOSTOR_BINARY_DIR) + "/people_reader_test.csv.gz";
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, csv.data(), static_cast<unsigned>(csv.size())), static_cast<int>(csv.size()));
  ASSERT_EQ(gzclose(gz), Z_OK);
  std::vector<Person> people;
  CollectRejects rejects;
  PeopleReadStats stats;
  Status st = ReadPeople(path, LinkageConfig(), &people, rejects, &stats);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(people.size(), 2u);
  EXPECT_EQ(people[1].full_name, "Bo Chen");
  EXPECT_EQ(people[1].source_file, path);
  ASSERT_EQ(rejects.rejects.size(), 1u);
  EXPECT_EQ(rejects.rejects[0].line, 3u);
  // Cut short after the gzip header: Corruption naming the file, not a partial read.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  {
    std::ofstream cut(path, std::ios::binary | std::ios::trunc);
    cut.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  people.clear();
  st = ReadPeople(path, LinkageConfig(), &people, rejects, &stats);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find(path), std::string::npos) << st.ToString();
  std::remove(path.c_str());
  EXPECT_EQ(ReadPeople(path, LinkageConfig(), &people, rejects, &stats).code(), Status::Code::kNotFound);
}

TEST(PeopleReaderTest, JsonLinesAndMapping) {
  Result<LinkageConfig> config = ParseLinkageConfig(
      "columns: {record_id: id, full_name: name}\ncomparisons: [{field: full_name, kind: person_name}]\n"
      "blocking: [[full_name]]\n",
      "test.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const std::string jsonl = "{\"id\": 7, \"name\": \"Ann Lee\", \"phone\": [\"+15550001\", \"+15550002\"]}\n{bad\n";
  std::vector<Person> people;
  CollectRejects rejects;
  PeopleReadStats stats;
  ASSERT_TRUE(ParsePeople(jsonl, "p.jsonl", *config, &people, rejects, &stats).ok());
  ASSERT_EQ(people.size(), 1u);
  EXPECT_EQ(people[0].record_id, "7");
  EXPECT_EQ(people[0].full_name, "Ann Lee");
  EXPECT_EQ(people[0].phones.size(), 2u);
  ASSERT_EQ(rejects.rejects.size(), 1u);
  EXPECT_EQ(rejects.rejects[0].line, 2u);
}

TEST(LinkageConfigTest, ErrorsNameTheProblem) {
  Result<LinkageConfig> bad = ParseLinkageConfig("comparisons: [{field: email, kind: emial}]\nblocking: [[email]]\n", "x.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown kind 'emial'"), std::string::npos);
  EXPECT_FALSE(ParseLinkageConfig("comparisons: [", "y.yaml").ok());
  EXPECT_FALSE(ParseLinkageConfig("colums: {}\n", "z.yaml").ok());
  // A count beyond its type is an error, not a wrapped number.
  Result<LinkageConfig> huge = ParseLinkageConfig(
      "comparisons: [{field: email, kind: email}]\nblocking: [[email]]\ngeneric_threshold: 5e38\n", "h.yaml");
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("generic_threshold: must be at most"), std::string::npos)
      << huge.status().ToString();
  Result<LinkageConfig> shipped = LoadLinkageConfig(std::string(IMPOSTOR_DATA_DIR) + "/../config/linkage/people.yaml");
  ASSERT_TRUE(shipped.ok()) << shipped.status().ToString();
  const LinkageConfig builtin = DefaultLinkageConfig();
  EXPECT_EQ(shipped->comparisons.size(), builtin.comparisons.size());
  EXPECT_EQ(shipped->blocking.size(), builtin.blocking.size());
  EXPECT_EQ(shipped->match_probability, builtin.match_probability);
}

// A small world (600 ordinary people, so value frequencies are realistic): an operator reusing one e-mail, phone and bank account under
// several names, and ordinary people.
std::vector<Person> SmallWorld() {
  std::vector<Person> people;
  auto add = [&](std::string id, std::string given, std::string family, std::string email, std::string phone,
                 std::string dob, std::string bank, std::string org, std::string hired) {
    Person p;
    p.record_id = id;
    p.given_name = given;
    p.family_name = family;
    p.email = email;
    if (!phone.empty()) p.phones.push_back(phone);
    p.dob = dob;
    p.bank_account = bank;
    p.org = org;
    p.hired = hired;
    p.source = PersonSource::kHr;
    p.source_file = "hr.csv";
    p.source_line = people.size() + 2;
    people.push_back(p);
  };
  add("a1", "Jin", "Kim", "jin.kim.dev@gmail.com", "+1 415 555 0101", "1990-03-04", "GB82WEST12345698", "Contoso", "2024-01-10");
  add("a2", "Jin", "Gim", "jinkimdev+apply@gmail.com", "+14155550101", "04/03/1990", "GB82 WEST 1234 5698", "Fabrikam", "2024-02-01");
  add("a3", "Daniel", "Park", "jin.kim.dev@gmail.com", "+1 (415) 555-0101", "", "GB82WEST12345698", "Northwind", "2024-03-01");
  static const char* const kGiven[] = {"olivia", "liam", "emma", "noah", "ava", "lucas", "mia", "ethan", "sofia",
                                       "mateo", "chloe", "omar", "yara", "ivan", "nina", "tariq", "hana", "pablo",
                                       "greta", "felix"};
  static const char* const kFamily[] = {"garcia", "muller", "rossi", "novak", "silva", "dubois", "jensen", "kowalski",
                                        "okafor", "haddad", "tanaka", "larsen", "moreau", "fischer", "costa", "ward",
                                        "baker", "nguyen", "patel", "young", "hughes", "reyes", "foster", "grant",
                                        "walsh", "brooks", "hayes", "price", "myers", "ford"};
  for (int i = 0; i < 600; ++i) {
    const std::string given = kGiven[(i * 7) % 20], family = kFamily[(i * 11 + i / 20) % 30];
    add("x" + std::to_string(i), given, family, given + "." + family + std::to_string(i) + "@example.org",
        "+1 212 555 " + std::to_string(1000 + i), std::to_string(1950 + i % 50) + "-" + std::to_string(1 + i % 12) + "-" +
        std::to_string(1 + (i * 13) % 28), "ACC" + std::to_string(100000 + i * 37), "Contoso", "2020-01-01");
  }
  // Two honest people paid into one account (should be reported by payroll.shared_account).
  people[10].bank_account = "SHARED-777";
  people[11].bank_account = "SHARED-777";
  return people;
}

TEST(ResolverTest, LinksExplainsAndDetects) {
  LinkageConfig config = DefaultLinkageConfig();
  config.catalog_dir = std::string(IMPOSTOR_DATA_DIR) + "/catalog";
  const std::vector<Person> people = SmallWorld();
  Result<ResolutionResult> result = ResolvePeople(people, config);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->persona_of[0], result->persona_of[1]);
  EXPECT_EQ(result->persona_of[0], result->persona_of[2]);
  EXPECT_NE(result->persona_of[3], result->persona_of[4]);
  EXPECT_NE(result->persona_of[10], result->persona_of[11]);
  const Persona& op = result->personas[result->persona_of[0]];
  ASSERT_EQ(op.members.size(), 3u);
  ASSERT_EQ(op.links.size(), 2u);
  EXPECT_FALSE(op.links[0].comparisons.empty());
  EXPECT_NE(DescribeLink(*result, op.links[0]).find("email"), std::string::npos);
  bool shares_bank = false;
  for (const auto& s : op.shared) shares_bank |= s.field == "bank_account" && s.value == "GB82WEST12345698";
  EXPECT_TRUE(shares_bank);
  const std::string json = PersonaToJson(*result, op);
  EXPECT_NE(json.find("\"members\""), std::string::npos);
  EXPECT_NE(json.find("\"comparisons\""), std::string::npos);

  CollectFindings sink;
  DetectPersonaFindings(*result, DetectorConfig(), sink);
  int reuse = 0, rental = 0, shared = 0;
  for (const auto& f : sink.findings) {
    if (f.detector == "persona.reuse") {
      ++reuse;
      EXPECT_EQ(f.key, "persona.reuse|" + op.id);
      EXPECT_NE(f.explanation.find("Daniel Park"), std::string::npos) << f.explanation;
    }
    if (f.detector == "identity.rental") {
      ++rental;
      EXPECT_NE(f.explanation.find("Fabrikam"), std::string::npos) << f.explanation;
    }
    if (f.detector == "payroll.shared_account") {
      ++shared;
      EXPECT_NE(f.explanation.find("D777"), std::string::npos) << f.explanation;
      // The persona ids, then the paid records (which name the sign-in accounts).
      ASSERT_EQ(f.related.size(), 4u);
      EXPECT_EQ(f.related[0].rfind("persona-", 0), 0u) << f.related[0];
      EXPECT_EQ(f.related[2], people[10].record_id);
      EXPECT_EQ(f.related[3], people[11].record_id);
    }
  }
  EXPECT_EQ(reuse, 1);
  EXPECT_EQ(rental, 1);
  EXPECT_EQ(shared, 1);  // the operator's own account is one persona: not reported
}

// persona.reuse counts claimed people by every name a record claims: an HR record
// that keeps a preferred name ("Xin Li") beside the legal given and family names
// (Xin Mendez) and the payroll record "Mendez, Xin" claim one person; two records
// that share an e-mail under unrelated names still claim two.
TEST(PersonaReuseTest, ARecordsFullAndStructuredNamesAreBothItsClaims) {
  std::vector<Person> people(4);
  people[0].record_id = "hr-1";
  people[0].full_name = "Xin Li";
  people[0].given_name = "Xin";
  people[0].family_name = "Mendez";
  people[1].record_id = "payroll-1";
  people[1].full_name = "Mendez, Xin";
  people[1].given_name = "Xin";
  people[1].family_name = "Mendez";
  people[2].record_id = "ats-1";
  people[2].full_name = "John Smith";
  people[3].record_id = "ats-2";
  people[3].full_name = "Wei Zhang";
  ResolutionResult result;
  result.people = &people;
  for (uint32_t first : {0u, 2u}) {
    Persona p;
    p.id = "persona-00000" + std::to_string(first + 1);
    p.members = {first, first + 1};
    p.shared = {SharedValue{"email", "same@example.com", 2, false}};
    result.personas.push_back(p);
  }
  CollectFindings sink;
  DetectPersonaReuse(result, sink);
  ASSERT_EQ(sink.findings.size(), 1u);
  EXPECT_EQ(sink.findings[0].entity, "persona-000003") << sink.findings[0].explanation;
}

// payroll.shared_account: a couple at one home address paid into their joint
// account is context (Informational); two workers with homes of their own paid into
// one account stay Medium, three at one address stay High.
TEST(PayrollSharedAccountTest, AHouseholdsJointAccountIsContext) {
  auto paid = [](const std::string& id, const std::string& address) {
    Person p;
    p.record_id = id;
    p.full_name = id;
    p.bank_account = "GB00 JOINT 0001";
    p.address = address;
    p.postcode = "98498";
    return p;
  };
  auto run = [&](const std::vector<Person>& people) {
    ResolutionResult result;
    result.people = &people;
    for (uint32_t r = 0; r < people.size(); ++r) {
      Persona p;
      p.id = "persona-" + std::to_string(r + 1);
      p.members = {r};
      result.personas.push_back(p);
      result.persona_of.push_back(r);
    }
    CollectFindings sink;
    DetectPayrollSharedAccount(result, kDefaultHouseholdWorkers, sink);
    EXPECT_EQ(sink.findings.size(), 1u);
    return sink.findings.empty() ? Severity::kUnknown : sink.findings[0].severity;
  };
  EXPECT_EQ(run({paid("a", "229 Dogwood Lane"), paid("b", "229 Dogwood Ln")}), Severity::kInformational);
  EXPECT_EQ(run({paid("a", "229 Dogwood Lane"), paid("b", "12 Main St")}), Severity::kMedium);
  EXPECT_EQ(run({paid("a", "229 Dogwood Ln"), paid("b", "229 Dogwood Ln"), paid("c", "229 Dogwood Ln")}),
            Severity::kHigh);
}

// identity.rental reads hire and end dates in linkage.date_order: with mdy, a1's
// job (10 to 15 January) ended before a2's (1 February) began, so only a2 and a3
// overlap. Read day-first, a1's dates would be 1 October and an invalid end date
// (still employed), and all three would overlap.
TEST(ResolverTest, IdentityRentalReadsDatesInTheConfiguredOrder) {
  LinkageConfig config = DefaultLinkageConfig();
  config.catalog_dir = std::string(IMPOSTOR_DATA_DIR) + "/catalog";
  config.date_order = DateOrder::kMonthFirst;
  std::vector<Person> people = SmallWorld();
  people[1].dob = "1990-03-04";  // the fixture's 04/03/1990 is day-first
  people[0].hired = "01/10/2024";
  people[0].ended = "01/15/2024";
  people[1].hired = "02/01/2024";
  people[2].hired = "03/01/2024";
  Result<ResolutionResult> result = ResolvePeople(people, config);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->persona_of[0], result->persona_of[2]);
  CollectFindings sink;
  DetectPersonaFindings(*result, DetectorConfig(), sink);
  std::vector<const Finding*> rental;
  for (const Finding& f : sink.findings) {
    if (f.detector == "identity.rental") rental.push_back(&f);
  }
  ASSERT_EQ(rental.size(), 1u);
  EXPECT_EQ(rental[0]->related, (std::vector<std::string>{"a2", "a3"})) << rental[0]->explanation;
  EXPECT_NE(rental[0]->attributes_json.find("\"concurrent_employers\":2"), std::string::npos)
      << rental[0]->attributes_json;
}

// `enabled: false` turns a persona detector off like any other.
TEST(ResolverTest, PersonaDetectorsHonourEnabledFalse) {
  LinkageConfig config = DefaultLinkageConfig();
  config.catalog_dir = std::string(IMPOSTOR_DATA_DIR) + "/catalog";
  const std::vector<Person> people = SmallWorld();
  Result<ResolutionResult> result = ResolvePeople(people, config);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  auto detectors = [&](const std::string& yaml) {
    Result<DetectorConfig> dc = DetectorConfig::FromYaml(YAML::Load(yaml), "test.yaml");
    EXPECT_TRUE(dc.ok()) << dc.status().ToString();
    CollectFindings sink;
    DetectPersonaFindings(*result, *dc, sink);
    std::set<std::string> ids;
    for (const Finding& f : sink.findings) ids.insert(f.detector);
    return ids;
  };
  EXPECT_EQ(detectors("{}"), (std::set<std::string>{"identity.rental", "payroll.shared_account", "persona.reuse"}));
  EXPECT_EQ(detectors("{persona.reuse: {enabled: false}, payroll.shared_account: {enabled: false}}"),
            (std::set<std::string>{"identity.rental"}));
  EXPECT_EQ(detectors("{identity.rental: {enabled: false}}"),
            (std::set<std::string>{"payroll.shared_account", "persona.reuse"}));
}

// The resolver's name catalogue comes from IMPOSTOR_DATA like every other
// catalogue when the linkage config names no catalog_dir.
TEST(ResolverTest, CatalogueFolderFollowsImpostorData) {
  const std::string empty = std::string(IMPOSTOR_BINARY_DIR) + "/empty_data_dir_test";
  std::filesystem::create_directories(empty);
  ASSERT_EQ(setenv("IMPOSTOR_DATA", empty.c_str(), 1), 0);
  Result<ResolutionResult> result = ResolvePeople(SmallWorld(), DefaultLinkageConfig());
  unsetenv("IMPOSTOR_DATA");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find(empty + "/catalog"), std::string::npos) << result.status().ToString();
  EXPECT_TRUE(ResolvePeople(SmallWorld(), DefaultLinkageConfig()).ok());
}

TEST(ResolverTest, AHouseholdIsNotAPersonaAndNicknamesAreOneName) {
  LinkageConfig config = DefaultLinkageConfig();
  config.catalog_dir = std::string(IMPOSTOR_DATA_DIR) + "/catalog";
  std::vector<Person> people = SmallWorld();
  auto add = [&](std::string id, std::string given, std::string family, std::string email, std::string phone,
                 std::string dob, std::string national_id, std::string bank, std::string org) {
    Person p;
    p.record_id = id;
    p.given_name = given;
    p.family_name = family;
    p.email = email;
    p.phones.push_back(phone);
    p.dob = dob;
    p.national_id = national_id;
    p.bank_account = bank;
    p.address = "12 Desert Rose Ln";
    p.postcode = "89101";
    p.org = org;
    p.source = PersonSource::kHr;
    people.push_back(p);
  };
  // Spouses: one home, one family phone, one joint account; their own e-mails,
  // birth dates and national ids.
  add("h1", "Sharon", "Scott", "sharon.scott29@gmail.com", "+1 702 555 0144", "2001-09-05", "111-22-3333",
      "JOINT-4242", "Contoso");
  add("h2", "Eric", "Dixon", "eric.dixon22@gmail.com", "+1 702 555 0144", "1979-09-20", "444-55-6666",
      "JOINT-4242", "Fabrikam");
  // One applicant as Robert and Bobby, one e-mail.
  add("n1", "Robert", "Quill", "rquill.dev@gmail.com", "+1 503 555 0190", "1988-02-02", "", "", "Contoso");
  add("n2", "Bobby", "Quill", "rquill.dev@gmail.com", "+1 503 555 0190", "", "", "", "Northwind");
  Result<ResolutionResult> result = ResolvePeople(people, config);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const size_t h1 = people.size() - 4, n1 = people.size() - 2;
  EXPECT_NE(result->persona_of[h1], result->persona_of[h1 + 1]) << "a household merged into one persona";
  EXPECT_EQ(result->persona_of[n1], result->persona_of[n1 + 1]);
  CollectFindings sink;
  DetectPersonaFindings(*result, DetectorConfig(), sink);
  for (const auto& f : sink.findings) {
    if (f.detector != "persona.reuse") continue;
    EXPECT_EQ(f.explanation.find("Quill"), std::string::npos) << "Robert and Bobby are one name: " << f.explanation;
    EXPECT_EQ(f.explanation.find("Sharon"), std::string::npos) << f.explanation;
  }
}

TEST(ResolverTest, HashedValuesStillLink) {
  LinkageConfig config = DefaultLinkageConfig();
  config.catalog_dir = std::string(IMPOSTOR_DATA_DIR) + "/catalog";
  std::vector<Person> people = SmallWorld();
  const std::string h1(64, 'c'), h2 = std::string(63, 'd') + "e";
  people[0].email = h1;
  people[2].email = h1;
  people[0].bank_account = h2;
  people[2].bank_account = h2;
  people[0].phones = {h2};
  people[2].phones = {h2};
  Result<ResolutionResult> result = ResolvePeople(people, config);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->persona_of[0], result->persona_of[2]);
}

TEST(PersonaIdsTest, StableAcrossRunsWithMergesAndSplits) {
  LinkageConfig config = DefaultLinkageConfig();
  config.catalog_dir = std::string(IMPOSTOR_DATA_DIR) + "/catalog";
  const std::string path = std::string(IMPOSTOR_BINARY_DIR) + "/persona_ids_test.tsv";
  std::remove(path.c_str());
  std::vector<Person> people = SmallWorld();
  std::vector<Person> first(people.begin() + 1, people.end());  // a1 arrives later
  std::string op_id, x5_id;
  {
    Result<PersonaIdMap> map = PersonaIdMap::Load(path);
    ASSERT_TRUE(map.ok());
    Result<ResolutionResult> r = ResolvePeople(first, config);
    ASSERT_TRUE(r.ok());
    map->Assign(*r);
    op_id = r->personas[r->persona_of[0]].id;   // a2
    x5_id = r->personas[r->persona_of[7]].id;   // x5
    ASSERT_TRUE(map->Save(path).ok());
  }
  {
    Result<PersonaIdMap> map = PersonaIdMap::Load(path);
    ASSERT_TRUE(map.ok());
    EXPECT_EQ(map->size(), first.size());
    Result<ResolutionResult> r = ResolvePeople(people, config);
    ASSERT_TRUE(r.ok());
    map->Assign(*r);
    EXPECT_EQ(r->personas[r->persona_of[0]].id, op_id);  // the new record joins the old persona
    EXPECT_EQ(r->personas[r->persona_of[8]].id, x5_id);  // nobody renumbered
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace impostor
