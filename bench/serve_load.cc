// Load for `impostor serve` (bench/serve_load.sh): fills a store with findings,
// then drives the API with concurrent clients on loopback and prints latency
// percentiles per route. Bounded: a fixed number of requests per client.
//
//   serve_load fill DB N            N findings over N/10 accounts, 10 detectors
//   serve_load run URL TOKEN CLIENTS REQUESTS ACCOUNTS
//                                   each client: REQUESTS requests, alternating a
//                                   findings page (first, or the next by cursor)
//                                   and an account view of a random account
#include <httplib.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace {

using impostor::Finding;
using impostor::Severity;

std::string Account(long i) { return "user" + std::to_string(i) + "@bench.example.com"; }

int Fill(const std::string& db, long n) {
  auto store = impostor::OpenStore(db);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  const char* detectors[] = {"signin.impossible_travel", "signin.anonymizer", "signin.atypical_location",
                             "signin.shared_egress", "endpoint.rmm_tools", "endpoint.location_mismatch",
                             "farm.colocation", "identity.rental", "persona.reuse", "risk.account"};
  std::mt19937_64 rng(42);
  const long accounts = std::max(1L, n / 10);
  const auto started = std::chrono::steady_clock::now();
  for (long i = 0; i < n;) {
    if (!(*store)->Begin().ok()) return 1;
    for (long j = 0; j < 10000 && i < n; ++j, ++i) {
      Finding f;
      f.detector = detectors[i % 10];
      f.entity_type = "account";
      f.entity = Account(i / 10 % accounts);
      f.key = f.detector + "|" + f.entity + "|" + std::to_string(i / (10 * accounts));
      f.severity = static_cast<Severity>(1 + rng() % 5);
      f.confidence = static_cast<double>(rng() % 1000) / 1000.0;
      f.last_seen = 1714000000000 + static_cast<int64_t>(rng() % 2592000000ULL);
      f.first_seen = f.last_seen - 3600000;
      f.org = "org" + std::to_string(i % 3);
      f.title = f.detector;
      f.explanation = f.entity + ": generated finding " + std::to_string(i);
      f.attributes_json = R"({"distance_km":1200,"speed_kmh":950})";
      f.evidence = {{"signin", "{\"time\":\"2024-05-06T02:47:14.126Z\",\"account\":\"" + f.entity +
                                   "\",\"ip\":\"198.51.100." + std::to_string(i % 250) +
                                   "\",\"location\":{\"country\":\"US\",\"lat\":29.75,\"long\":-95.4}}"}};
      bool created;
      auto st = (*store)->UpsertFinding(f, &created);
      if (!st.ok()) {
        std::fprintf(stderr, "%s\n", st.ToString().c_str());
        return 1;
      }
    }
    if (!(*store)->Commit().ok()) return 1;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("filled %ld findings in %.1f s (%.0f/s)\n", n, s, n / s);
  return 0;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

int Run(const std::string& url, const std::string& token, int clients, int requests, long accounts) {
  const size_t colon = url.rfind(':');
  const std::string host = url.substr(url.find("//") + 2, colon - url.find("//") - 2);
  const int port = std::atoi(url.c_str() + colon + 1);
  std::mutex mu;
  std::vector<double> list_ms, account_ms;
  std::atomic<int> errors{0};
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client(host, port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
      std::mt19937_64 rng(static_cast<uint64_t>(c) + 1);
      std::string cursor;
      simdjson::dom::parser parser;
      std::vector<double> mine_list, mine_account;
      for (int r = 0; r < requests; ++r) {
        const bool list = r % 2 == 0;
        const std::string path = list ? "/api/v1/findings?limit=50" + (cursor.empty() ? "" : "&cursor=" + cursor)
                                      : "/api/v1/accounts/" + Account(static_cast<long>(rng() % accounts));
        const auto t0 = std::chrono::steady_clock::now();
        auto res = client.Get(path, auth);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (!res || res->status != 200) {
          ++errors;
          continue;
        }
        if (list) {
          mine_list.push_back(ms);
          simdjson::dom::element doc;
          std::string_view next;
          cursor = parser.parse(res->body).get(doc) == simdjson::SUCCESS &&
                           doc["next_cursor"].get_string().get(next) == simdjson::SUCCESS
                       ? std::string(next)
                       : "";
          if (r % 20 == 18) cursor.clear();  // a new reader starts at the top now and then
        } else {
          mine_account.push_back(ms);
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      list_ms.insert(list_ms.end(), mine_list.begin(), mine_list.end());
      account_ms.insert(account_ms.end(), mine_account.begin(), mine_account.end());
    });
  }
  for (auto& t : threads) t.join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const size_t total = list_ms.size() + account_ms.size();
  std::printf("%-22s %8s %8s %8s\n", "route", "requests", "p50 ms", "p99 ms");
  std::printf("%-22s %8zu %8.2f %8.2f\n", "GET /findings", list_ms.size(), Percentile(list_ms, 0.5),
              Percentile(list_ms, 0.99));
  std::printf("%-22s %8zu %8.2f %8.2f\n", "GET /accounts/{id}", account_ms.size(), Percentile(account_ms, 0.5),
              Percentile(account_ms, 0.99));
  std::printf("%d clients, %zu requests in %.1f s (%.0f/s), %d errors\n", clients, total, s, total / s,
              errors.load());
  return errors.load() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "fill" && argc == 4) return Fill(argv[2], std::atol(argv[3]));
  if (mode == "run" && argc == 7) {
    return Run(argv[2], argv[3], std::atoi(argv[4]), std::atoi(argv[5]), std::atol(argv[6]));
  }
  std::fprintf(stderr,
               "usage: serve_load fill DB N\n"
               "       serve_load run URL TOKEN CLIENTS REQUESTS ACCOUNTS\n");
  return 2;
}
