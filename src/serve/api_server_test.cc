// The API end to end over real HTTP (cpp-httplib's client against the server on a
// loopback port), on SQLite and on PostgreSQL: every route, role and error, the
// audit chain, and a writer that upserts findings while readers page through them.
#include "serve/api_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>

#include <atomic>
#include <set>
#include <thread>

#include "serve/routes.h"
#include "store/store_test_base.h"
#include "store/team_store.h"

namespace impostor {
namespace {

Finding MakeFinding(const std::string& detector, const std::string& entity, int window, Severity sev,
                    double confidence, TimeMs last_seen) {
  Finding f;
  f.detector = detector;
  f.entity_type = "account";
  f.entity = entity;
  f.key = detector + "|" + entity + "|" + std::to_string(window);
  f.severity = sev;
  f.confidence = confidence;
  f.first_seen = last_seen - 1000;
  f.last_seen = last_seen;
  f.title = detector;
  f.explanation = "because";
  f.org = "org1";
  return f;
}

std::string Str(simdjson::dom::element e) { return std::string(std::string_view(e)); }

class ApiTest : public StoreTestBase, public ::testing::WithParamInterface<Backend> {
 protected:
  Backend backend() const override { return GetParam(); }

  void SetUp() override {
    StoreTestBase::SetUp();
    if (IsSkipped()) return;
    db_ = Where("api");
    store_ = Open("api");
    ASSERT_NE(store_, nullptr);
    const Actor cli{"cli:test", "cli"};
    admin_ = *CreateToken(*store_, "root", Role::kAdmin, cli, nullptr);
    analyst_ = *CreateToken(*store_, "ana", Role::kAnalyst, cli, nullptr);
    viewer_ = *CreateToken(*store_, "vic", Role::kViewer, cli, nullptr);
    Start();
  }
  void TearDown() override {
    StopServer();
    store_.reset();
    StoreTestBase::TearDown();
  }

  void Start(ServeOptions options = {}) {
    options.port = 0;
    options.max_auth_failures = options.max_auth_failures == 10 ? 50 : options.max_auth_failures;
    const std::string db = db_;
    server_ = std::make_unique<ApiServer>(options, [db] { return OpenStore(db); });
    Status st = server_->Bind();
    ASSERT_TRUE(st.ok()) << st.ToString();
    thread_ = std::thread([this] { (void)server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  void StopServer() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  void Upsert(Finding f) {
    bool created;
    Status st = store_->UpsertFinding(f, &created);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  httplib::Headers Auth(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

  httplib::Result Get(const std::string& path, const std::string& token) { return client_->Get(path, Auth(token)); }
  httplib::Result Post(const std::string& path, const std::string& body, const std::string& token) {
    return client_->Post(path, Auth(token), body, "application/json");
  }

  simdjson::dom::element Json(const httplib::Result& r) {
    EXPECT_TRUE(r) << "no response";
    docs_.emplace_back(std::make_unique<simdjson::dom::parser>());
    simdjson::dom::element e;
    EXPECT_EQ(docs_.back()->parse(r ? r->body : "{}").get(e), simdjson::SUCCESS) << (r ? r->body : "");
    return e;
  }

  std::string db_;
  std::unique_ptr<Store> store_;
  std::string admin_, analyst_, viewer_;
  std::unique_ptr<ApiServer> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
  std::vector<std::unique_ptr<simdjson::dom::parser>> docs_;
};

INSTANTIATE_TEST_SUITE_P(Stores, ApiTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kSqlite ? "sqlite" : "postgres";
                         });

TEST_P(ApiTest, EveryRequestNeedsAValidTokenAndTheSameAnswerWhateverFailed) {
  auto health = client_->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  // The admin token with its last secret digit changed: a wrong secret for a real id.
  std::string wrong_secret = admin_;
  wrong_secret.back() = wrong_secret.back() == '0' ? '1' : '0';
  const std::string kinds[] = {"", "Bearer nonsense", "Bearer imp_000000000000_" + std::string(64, '0'),
                               "Bearer " + wrong_secret, "Basic abc"};
  std::set<std::string> messages;
  for (const std::string& h : kinds) {
    httplib::Headers headers;
    if (!h.empty()) headers.emplace("Authorization", h);
    auto r = client_->Get("/api/v1/findings", headers);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << h;
    EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer realm=\"impostor\"");
    messages.insert(r->body);
  }
  EXPECT_EQ(messages.size(), 1u) << "a 401 must not say which part failed";
  auto ok = Get("/api/v1/findings", viewer_);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_P(ApiTest, RolesLimitWhatATokenMayDo) {
  Upsert(MakeFinding("signin.impossible_travel", "alice@x", 1, Severity::kHigh, 0.9, 5000));
  const std::string body = R"({"verdict":"confirmed","finding_keys":["signin.impossible_travel|alice@x|1"]})";
  auto r = Post("/api/v1/verdicts", body, viewer_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->body.find("needs analyst"), std::string::npos) << r->body;
  EXPECT_EQ(Get("/api/v1/audit", analyst_)->status, 403);
  EXPECT_EQ(Get("/api/v1/tokens", analyst_)->status, 403);
  EXPECT_EQ(Get("/api/v1/audit", admin_)->status, 200);
  r = Post("/api/v1/verdicts", body, analyst_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
}

TEST_P(ApiTest, FailedAuthenticationsAreRateLimitedPerAddress) {
  StopServer();
  ServeOptions o;
  o.max_auth_failures = 3;
  Start(o);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Get("/api/v1/findings", "bad")->status, 401);
  auto r = Get("/api/v1/findings", viewer_);  // even a good token waits
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_FALSE(r->get_header_value("Retry-After").empty());
}

TEST_P(ApiTest, FindingsPageThroughEveryRowOnceInOrder) {
  ASSERT_TRUE(store_->Begin().ok());
  for (int i = 0; i < 137; ++i) {
    const Severity sev = static_cast<Severity>(2 + i % 4);
    // Ties on severity, confidence and last_seen: only the key breaks them.
    Upsert(MakeFinding(i % 2 ? "signin.anonymizer" : "signin.impossible_travel", "u" + std::to_string(i % 7), i,
                       sev, (i % 3) / 4.0 + 0.1, 1000 * (i % 5)));
  }
  ASSERT_TRUE(store_->Commit().ok());
  for (const std::string sort : {"rank", "recent"}) {
    std::vector<std::string> keys;
    std::string cursor;
    std::vector<std::tuple<int64_t, double, std::string>> order;
    for (int page = 0; page < 10; ++page) {
      std::string path = "/api/v1/findings?limit=50&sort=" + sort;
      if (!cursor.empty()) path += "&cursor=" + cursor;
      auto r = Get(path, viewer_);
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 200) << r->body;
      auto doc = Json(r);
      for (auto f : doc["findings"].get_array()) {
        keys.emplace_back(std::string_view(f["key"]));
        order.emplace_back(sort == "rank" ? int64_t(f["severity_id"]) : 0, 0.0, std::string(std::string_view(f["key"])));
      }
      if (doc["next_cursor"].is_null()) break;
      cursor = std::string(std::string_view(doc["next_cursor"]));
    }
    EXPECT_EQ(keys.size(), 137u) << sort;
    EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), 137u) << sort << ": a row came twice";
    if (sort == "rank") {
      for (size_t i = 1; i < order.size(); ++i) EXPECT_GE(std::get<0>(order[i - 1]), std::get<0>(order[i]));
    }
  }
  // Filters.
  auto high = Json(Get("/api/v1/findings?severity=high&detector=signin.anonymizer&limit=500", viewer_));
  size_t n = 0;
  for (auto f : high["findings"].get_array()) {
    EXPECT_GE(int64_t(f["severity_id"]), 4);
    EXPECT_EQ(std::string_view(f["detector"]), "signin.anonymizer");
    ++n;
  }
  EXPECT_GT(n, 0u);
  // A cursor of one query does not continue another; a damaged one is refused.
  auto first = Json(Get("/api/v1/findings?limit=10", viewer_));
  const std::string c = Str(first["next_cursor"]);
  EXPECT_EQ(Get("/api/v1/findings?limit=10&severity=high&cursor=" + c, viewer_)->status, 400);
  EXPECT_EQ(Get("/api/v1/findings?cursor=%21%21", viewer_)->status, 400);
  EXPECT_EQ(Get("/api/v1/findings?limit=0", viewer_)->status, 400);
  EXPECT_EQ(Get("/api/v1/findings?limit=abc", viewer_)->status, 400);
  EXPECT_EQ(Get("/api/v1/findings?severity=urgent", viewer_)->status, 400);
  EXPECT_EQ(Get("/api/v1/findings?colour=red", viewer_)->status, 400);
  EXPECT_EQ(Get("/api/v1/findings?since=yesterday", viewer_)->status, 400);
  auto since = Json(Get("/api/v1/findings?since=1970-01-01T00:00:04Z&limit=500", viewer_));
  for (auto f : since["findings"].get_array()) EXPECT_EQ(std::string_view(f["last_seen"]), "1970-01-01T00:00:04.000Z");
}

TEST_P(ApiTest, AnAccountViewHasRiskTimelineTravelLegsDevicesPeopleAndPersonas) {
  Finding travel = MakeFinding("signin.impossible_travel", "bob@x", 1, Severity::kHigh, 0.9, 9000);
  travel.attributes_json = R"({"distance_km":11054,"speed_kmh":2939})";
  travel.evidence = {{"signin", R"({"time":"2024-05-06T02:47:14.126Z","account":"bob@x","ip":"12.155.32.99","location":{"country":"US"}})"},
                     {"signin", R"({"time":"2024-05-06T06:30:49.877Z","account":"bob@x","ip":"223.100.71.190","location":{"country":"CN"}})"}};
  Upsert(travel);
  Finding risk = MakeFinding("risk.account", "bob@x", 0, Severity::kHigh, 0.8, 9000);
  risk.attributes_json = R"({"score":81,"probability":0.81,"contributions":[{"feature":"detectors_firing","log_odds":1.2}]})";
  Upsert(risk);
  Finding farm = MakeFinding("farm.colocation", "bssid:aa", 0, Severity::kHigh, 0.7, 8000);
  farm.entity_type = "cluster";
  farm.related = {"bob@x", "carol@x"};
  farm.attributes_json = R"({"members":["bob@x","carol@x"],"shared_identifiers":["bssid:aa","ip:1.2.3.4"],"tools":["anydesk"],"organisations":["org1"]})";
  farm.evidence = {{"device", R"({"device_id":"d1","user":"bob@x","time":"2024-05-06T12:52:09.000Z"})"},
                   {"device", R"({"device_id":"d2","user":"carol@x","time":"2024-05-06T12:53:09.000Z"})"},
                   {"person", R"({"record_id":"hr-1","user":"bob@x","name":"Bob"})"}};
  Upsert(farm);
  Finding persona = MakeFinding("persona.reuse", "persona-9", 0, Severity::kMedium, 0.6, 7000);
  persona.entity_type = "persona";
  persona.related = {"hr-1", "bob@x"};
  persona.attributes_json = R"({"members":2,"shared_identifiers":3})";
  Upsert(persona);
  ASSERT_TRUE(store_->SaveState("persona", {{"persona-9", "r\thr-1\nr\tats-7\na\tbob@x\n"}}).ok());

  auto acct = Json(Get("/api/v1/accounts/bob@x", viewer_));
  EXPECT_EQ(int64_t(acct["risk"]["score"].get_double().value()), 81);
  EXPECT_EQ(acct["risk"]["model"]["contributions"].get_array().size(), 1u);
  EXPECT_EQ(acct["findings"].get_array().size(), 4u);
  EXPECT_EQ(acct["timeline"].get_array().size(), 2u);
  EXPECT_EQ(acct["travel_legs"].get_array().size(), 1u);
  EXPECT_EQ(int64_t(acct["travel_legs"].at(0)["measures"]["speed_kmh"]), 2939);
  EXPECT_EQ(acct["devices"].get_array().size(), 1u);  // only bob's device
  EXPECT_EQ(acct["people"].get_array().size(), 1u);
  EXPECT_EQ(std::string_view(acct["personas"].at(0)), "persona-9");

  auto cluster = Json(Get("/api/v1/clusters/bssid:aa", viewer_));
  EXPECT_EQ(cluster["members"].get_array().size(), 2u);
  EXPECT_EQ(cluster["shared_identifiers"].get_array().size(), 2u);
  EXPECT_EQ(std::string_view(cluster["tools"].at(0)), "anydesk");

  auto p = Json(Get("/api/v1/personas/persona-9", viewer_));
  EXPECT_EQ(p["members"].get_array().size(), 3u);  // hr-1, ats-7, bob@x
  EXPECT_EQ(p["links"].get_array().size(), 1u);

  EXPECT_EQ(Get("/api/v1/accounts/nobody@x", viewer_)->status, 404);
  auto f = Json(Get("/api/v1/findings/signin.impossible_travel%7Cbob@x%7C1", viewer_));
  EXPECT_EQ(f["finding"]["evidence"].get_array().size(), 2u);
}

TEST_P(ApiTest, AVerdictIsStoredAsTheCliStoresItAndAudited) {
  Upsert(MakeFinding("signin.anonymizer", "dan@x", 1, Severity::kMedium, 0.5, 100));
  Upsert(MakeFinding("signin.impossible_travel", "dan@x", 2, Severity::kHigh, 0.5, 100));
  auto r = Post("/api/v1/verdicts", R"({"verdict":"dismissed","entity":"dan@x","note":"VPN"})", analyst_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  auto verdicts = store_->QueryVerdicts("");
  ASSERT_TRUE(verdicts.ok());
  ASSERT_EQ(verdicts->size(), 2u);
  EXPECT_EQ((*verdicts)[0].analyst, "ana");
  EXPECT_EQ((*verdicts)[0].kind, VerdictKind::kDismissed);
  auto list = Json(Get("/api/v1/findings?status=dismissed", viewer_));
  EXPECT_EQ(list["findings"].get_array().size(), 2u);
  auto audit = Json(Get("/api/v1/audit", admin_));
  size_t verdict_entries = 0;
  for (auto e : audit["entries"].get_array()) {
    if (std::string_view(e["action"]) != "verdict.create") continue;
    ++verdict_entries;
    EXPECT_EQ(std::string_view(e["actor"]), "token:ana");
    EXPECT_EQ(std::string_view(e["source"]), "127.0.0.1");
  }
  EXPECT_EQ(verdict_entries, 2u);
  // Unknown keys: nothing is recorded.
  r = Post("/api/v1/verdicts", R"({"verdict":"confirmed","finding_keys":["signin.anonymizer|dan@x|1","nope"]})",
           analyst_);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(store_->QueryVerdicts("")->size(), 2u);
}

TEST_P(ApiTest, ACaseIsWorkedToAVerdictWithOptimisticConcurrency) {
  Upsert(MakeFinding("signin.impossible_travel", "eve@x", 1, Severity::kHigh, 0.9, 100));
  Upsert(MakeFinding("signin.anonymizer", "eve@x", 2, Severity::kLow, 0.4, 100));
  auto r = Post("/api/v1/cases", R"({"title":"eve","items":[{"kind":"account","ref":"eve@x"}]})", analyst_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(r->get_header_value("ETag"), "\"v1\"");
  const std::string loc = r->get_header_value("Location");
  auto patch = [&](const std::string& body, const std::string& etag) {
    httplib::Headers h = Auth(analyst_);
    if (!etag.empty()) h.emplace("If-Match", etag);
    return client_->Patch(loc, h, body, "application/json");
  };
  EXPECT_EQ(patch(R"({"status":"investigating"})", "")->status, 428);
  auto ok = patch(R"({"status":"investigating","assignee":"ana"})", "\"v1\"");
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(ok->get_header_value("ETag"), "\"v2\"");
  EXPECT_EQ(patch(R"({"title":"stale"})", "\"v1\"")->status, 409);
  EXPECT_EQ(patch(R"({"status":"new"})", "\"v2\"")->status, 400);
  auto c = Post(loc + "/comments", R"({"text":"KVM seen on site"})", analyst_);
  ASSERT_EQ(c->status, 201) << c->body;
  auto done = patch(R"({"status":"confirmed"})", c->get_header_value("ETag"));
  ASSERT_EQ(done->status, 200) << done->body;
  auto verdicts = store_->QueryVerdicts("");
  ASSERT_EQ(verdicts->size(), 2u) << "every finding of the case gets the verdict";
  for (const Verdict& v : *verdicts) EXPECT_EQ(v.kind, VerdictKind::kConfirmed);
  auto got = Json(Get(loc, viewer_));
  EXPECT_EQ(std::string_view(got["status"]), "confirmed");
  EXPECT_EQ(got["comments"].get_array().size(), 1u);
  EXPECT_EQ(Post("/api/v1/cases", R"({"title":"x","items":[{"kind":"account","ref":"ghost"}]})", analyst_)->status,
            400);
  EXPECT_EQ(Get("/api/v1/cases/999", viewer_)->status, 404);
  auto list = Json(Get("/api/v1/cases?status=confirmed", viewer_));
  EXPECT_EQ(list["cases"].get_array().size(), 1u);
  auto check = VerifyAudit(*store_);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->first_bad_seq, 0) << check->problem;
  EXPECT_GE(check->entries, 3 + 1 + 2 + 1 + 2);  // tokens, create, updates, comment, verdicts
}

TEST_P(ApiTest, TokensAreCreatedShownOnceAndRevoked) {
  auto r = Post("/api/v1/tokens", R"({"name":"soar","role":"viewer"})", admin_);
  ASSERT_EQ(r->status, 201) << r->body;
  auto doc = Json(r);
  const std::string secret = Str(doc["secret"]);
  const std::string id = Str(doc["token"]["id"]);
  EXPECT_EQ(Get("/api/v1/findings", secret)->status, 200);
  auto list = Get("/api/v1/tokens", admin_);
  EXPECT_EQ(list->body.find(secret.substr(17)), std::string::npos) << "a listing never shows a secret";
  auto del = client_->Delete("/api/v1/tokens/" + id, Auth(admin_));
  EXPECT_EQ(del->status, 204);
  EXPECT_EQ(Get("/api/v1/findings", secret)->status, 401);
  EXPECT_EQ(client_->Delete("/api/v1/tokens/" + id, Auth(admin_))->status, 404);
}

TEST_P(ApiTest, BadRequestsGetJsonErrorsThatSayWhatToDo) {
  const auto expect = [&](const httplib::Result& r, int status) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    auto doc = Json(r);
    EXPECT_EQ(int64_t(doc["error"]["status"]), status) << r->body;
    EXPECT_FALSE(std::string_view(doc["error"]["message"]).empty());
  };
  expect(Get("/api/v1/nothing", viewer_), 404);
  expect(client_->Delete("/api/v1/findings", Auth(admin_)), 405);
  expect(Post("/api/v1/verdicts", "not json", analyst_), 400);
  expect(Post("/api/v1/verdicts", R"({"verdict":"confirmed","finding_keys":["a"],"extra":1})", analyst_), 400);
  expect(Post("/api/v1/verdicts", R"({"verdict":7,"finding_keys":["a"]})", analyst_), 400);
  expect(Post("/api/v1/verdicts", R"({"verdict":"maybe","finding_keys":["a"]})", analyst_), 400);
  expect(Post("/api/v1/verdicts", R"({"finding_keys":["a"]})", analyst_), 400);
  expect(client_->Post("/api/v1/verdicts", Auth(analyst_), R"({"verdict":"confirmed"})", "text/plain"), 415);
  expect(Post("/api/v1/verdicts", std::string(70 * 1024, ' '), analyst_), 413);
  expect(Get("/api/v1/accounts/a%01b", viewer_), 400);
}

TEST_P(ApiTest, TheOpenApiDocumentListsExactlyTheRoutesThatExist) {
  auto r = client_->Get("/api/v1/openapi.json");
  ASSERT_EQ(r->status, 200);
  auto doc = Json(r);
  EXPECT_EQ(std::string_view(doc["openapi"]), "3.1.0");
  std::set<std::string> documented;
  for (auto [path, ops] : doc["paths"].get_object())
    for (auto [method, op] : ops.get_object()) documented.insert(std::string(method) + " " + std::string(path));
  std::set<std::string> served;
  for (const RouteSpec& route : ApiRoutes()) {
    std::string m = route.method;
    for (char& ch : m) ch = static_cast<char>(std::tolower(ch));
    served.insert(m + " " + route.path);
    // Each route answers its method with something other than 404/405 (the
    // concrete path puts an id where the template has one).
    std::string path = route.path;
    const size_t brace = path.find('{');
    if (brace != std::string::npos) path = path.substr(0, brace) + "1" + path.substr(path.find('}') + 1);
    httplib::Headers h = Auth(admin_);
    httplib::Result res = route.method == "GET"      ? client_->Get(path, h)
                          : route.method == "DELETE" ? client_->Delete(path, h)
                          : route.method == "PATCH"  ? client_->Patch(path, h, "{}", "application/json")
                                                     : client_->Post(path, h, "{}", "application/json");
    ASSERT_TRUE(res) << path;
    EXPECT_NE(res->status, 405) << route.method << " " << path;
    if (brace == std::string::npos) EXPECT_NE(res->status, 404) << route.method << " " << path << res->body;
  }
  EXPECT_EQ(documented, served);
}

TEST_P(ApiTest, MetricsCountRequestsAndTheStore) {
  Upsert(MakeFinding("signin.anonymizer", "m@x", 1, Severity::kHigh, 0.5, 100));
  Get("/api/v1/findings", viewer_);
  auto r = Get("/metrics", viewer_);
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("impostor_http_requests_total{route=\"GET /api/v1/findings\",status=\"200\"} 1"),
            std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find("impostor_store_findings{store=\""), std::string::npos);
  EXPECT_NE(r->body.find("impostor_http_request_duration_seconds_bucket"), std::string::npos);
}

TEST_P(ApiTest, AnEditedOrDeletedAuditEntryBreaksTheChain) {
  Upsert(MakeFinding("signin.anonymizer", "z@x", 1, Severity::kHigh, 0.5, 100));
  ASSERT_EQ(Post("/api/v1/verdicts", R"({"verdict":"confirmed","entity":"z@x"})", analyst_)->status, 201);
  // The store refuses edits itself (triggers) ...
  EXPECT_FALSE(store_->Query("UPDATE audit_log SET actor = 'x' WHERE seq = 2", {}, "tampering").ok());
  EXPECT_FALSE(store_->Query("DELETE FROM audit_log WHERE seq = 2", {}, "tampering").ok());
  // ... and one who removes them is caught by the chain.
  if (backend() == Backend::kSqlite) {
    Raw("api", "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'cli:mallory' WHERE seq = 2;");
  } else {
    Raw("api", "DROP TRIGGER audit_log_append_only ON audit_log; UPDATE audit_log SET actor = 'cli:mallory' WHERE seq = 2;");
  }
  auto check = VerifyAudit(*store_);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->first_bad_seq, 2);
  EXPECT_NE(check->problem.find("changed"), std::string::npos) << check->problem;
  if (backend() == Backend::kSqlite) {
    Raw("api", "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 1;");
  } else {
    Raw("api", "DELETE FROM audit_log WHERE seq = 1;");
  }
  check = VerifyAudit(*store_);
  EXPECT_EQ(check->first_bad_seq, 1);
  EXPECT_NE(check->problem.find("deleted"), std::string::npos) << check->problem;
}

// A writer upserts findings in transactions while readers page through the list:
// every page is a consistent read (no row twice, none half-written) and, once the
// writer is done, the list holds every finding.
TEST_P(ApiTest, AScanThatWritesWhileTheApiServesLosesNothing) {
  std::atomic<bool> done{false};
  std::atomic<int> pages{0}, failures{0};
  constexpr int kBatches = 20, kPerBatch = 50;
  std::thread writer([&] {
    auto w = OpenStore(db_);
    ASSERT_TRUE(w.ok());
    for (int b = 0; b < kBatches; ++b) {
      ASSERT_TRUE((*w)->Begin().ok());
      for (int i = 0; i < kPerBatch; ++i) {
        Finding f = MakeFinding("signin.anonymizer", "w" + std::to_string(i), b * kPerBatch + i,
                                static_cast<Severity>(2 + i % 4), 0.5, 1000 + b);
        f.evidence = {{"signin", R"({"time":"2024-05-06T02:47:14Z","account":"w"})"}};
        bool created;
        ASSERT_TRUE((*w)->UpsertFinding(f, &created).ok());
      }
      ASSERT_TRUE((*w)->Commit().ok());
    }
    done = true;
  });
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      httplib::Client c("127.0.0.1", server_->port());
      while (!done) {
        auto r = c.Get("/api/v1/findings?limit=200&sort=recent", Auth(viewer_));
        if (!r || r->status != 200) {
          ++failures;
          continue;
        }
        simdjson::dom::parser p;
        simdjson::dom::element doc;
        if (p.parse(r->body).get(doc) != simdjson::SUCCESS) {
          ++failures;
          continue;
        }
        std::set<std::string> keys;
        for (auto f : doc["findings"].get_array()) {
          if (!keys.insert(std::string(std::string_view(f["key"]))).second) ++failures;
          if (std::string_view(f["explanation"]) != "because") ++failures;
        }
        ++pages;
      }
    });
  }
  writer.join();
  for (auto& r : readers) r.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(pages.load(), 0);
  size_t total = 0;
  std::string cursor;
  for (;;) {
    auto doc = Json(Get("/api/v1/findings?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor), viewer_));
    total += doc["findings"].get_array().size();
    if (doc["next_cursor"].is_null()) break;
    cursor = std::string(std::string_view(doc["next_cursor"]));
  }
  EXPECT_EQ(total, static_cast<size_t>(kBatches * kPerBatch));
}

TEST(ApiServerOptions, ListeningBeyondLoopbackNeedsTls) {
  ServeOptions o;
  o.host = "0.0.0.0";
  ApiServer s(o, [] { return Result<std::unique_ptr<Store>>(Status::Internal("not reached")); });
  Status st = s.Bind();
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("without TLS"), std::string::npos) << st.message();
  o.tls_cert = "/nonexistent/cert.pem";
  ApiServer half(o, [] { return Result<std::unique_ptr<Store>>(Status::Internal("not reached")); });
  EXPECT_EQ(half.Bind().code(), Status::Code::kInvalidArgument);  // a key is missing too
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
}

}  // namespace
}  // namespace impostor
