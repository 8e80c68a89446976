// Photo hashing and near-duplicate search.
//
//   BM_DecodeAndHashJpeg512    decode a 512x512 JPEG from memory + PDQ (images/s)
//   BM_DecodeHashAndFaces512   the same plus face detection and face hashes
//   BM_PdqHash512              PDQ alone on decoded pixels
//   BM_IndexBuild              multi-index tables over 1M hashes
//   BM_RadiusQuery/mih         radius-31 queries over 1M hashes, multi-index hashing
//   BM_RadiusQuery/brute       the same queries by a popcount scan of every hash
//
// The index holds 1,000,000 hashes: 900,000 uniformly random and 10,000 families of
// 10 near-duplicates (0-20 bits from a family base). Half the queries are family
// members moved by up to 10 more bits, half are random.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "photo/face_hasher.h"
#include "photo/hash_index.h"
#include "photo/pdq_hasher.h"

namespace impostor {
namespace {

// A 512x512 picture with smooth gradients, shapes, text and noise, so the JPEG is
// the size of a real photo's (about 60-100 KB at quality 90).
const std::vector<uint8_t>& Jpeg512() {
  static const std::vector<uint8_t> kJpeg = [] {
    cv::Mat img(512, 512, CV_8UC3);
    for (int y = 0; y < 512; ++y) {
      for (int x = 0; x < 512; ++x) img.at<cv::Vec3b>(y, x) = cv::Vec3b(x / 2, y / 2, (x + y) / 4);
    }
    cv::RNG rng(12345);
    for (int i = 0; i < 40; ++i) {
      cv::circle(img, {rng.uniform(0, 512), rng.uniform(0, 512)}, rng.uniform(5, 80),
                 cv::Scalar(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)), cv::FILLED);
    }
    cv::putText(img, "IMPOSTOR 512", {40, 260}, cv::FONT_HERSHEY_SIMPLEX, 2.0, cv::Scalar(255, 255, 255), 4);
    cv::Mat noise(512, 512, CV_8UC3);
    rng.fill(noise, cv::RNG::NORMAL, 0, 12);
    img += noise;
    std::vector<uint8_t> buf;
    cv::imencode(".jpg", img, buf, {cv::IMWRITE_JPEG_QUALITY, 90});
    return buf;
  }();
  return kJpeg;
}

void BM_DecodeAndHashJpeg512(benchmark::State& state) {
  const auto& jpeg = Jpeg512();
  const std::string_view bytes(reinterpret_cast<const char*>(jpeg.data()), jpeg.size());
  PdqHasher hasher;
  for (auto _ : state) {
    Result<cv::Mat> img = DecodeImageBytes(bytes, "bench");
    Result<PdqResult> r = hasher.Hash(*img);
    benchmark::DoNotOptimize(r->hash);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["jpeg_bytes"] = static_cast<double>(jpeg.size());
}
BENCHMARK(BM_DecodeAndHashJpeg512)->Unit(benchmark::kMillisecond);

void BM_DecodeHashAndFaces512(benchmark::State& state) {
  const auto& jpeg = Jpeg512();
  const std::string_view bytes(reinterpret_cast<const char*>(jpeg.data()), jpeg.size());
  PdqHasher hasher;
  Result<std::unique_ptr<FaceHasher>> faces = FaceHasher::Open();
  if (!faces.ok()) {
    state.SkipWithError(faces.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    Result<cv::Mat> img = DecodeImageBytes(bytes, "bench");
    Result<PdqResult> r = hasher.Hash(*img);
    Result<std::vector<FaceHash>> f = (*faces)->Hash(*img);
    benchmark::DoNotOptimize(r->hash);
    benchmark::DoNotOptimize(f->size());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeHashAndFaces512)->Unit(benchmark::kMillisecond);

void BM_PdqHash512(benchmark::State& state) {
  const auto& jpeg = Jpeg512();
  const cv::Mat img = cv::imdecode(jpeg, cv::IMREAD_COLOR);
  PdqHasher hasher;
  for (auto _ : state) {
    Result<PdqResult> r = hasher.Hash(img);
    benchmark::DoNotOptimize(r->hash);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PdqHash512)->Unit(benchmark::kMillisecond);

constexpr int kIndexSize = 1000000;
constexpr int kFamilies = 10000;
constexpr int kFamilySize = 10;
constexpr int kQueries = 1000;

PdqHash RandomHash(std::mt19937_64& rng) {
  PdqHash h;
  for (auto& w : h.words) w = rng();
  return h;
}

PdqHash FlipRandomBits(PdqHash h, int n, std::mt19937_64& rng) {
  for (int i = 0; i < n; ++i) {
    const int b = static_cast<int>(rng() & 255);
    h.words[b >> 6] ^= uint64_t{1} << (b & 63);
  }
  return h;
}

struct IndexData {
  std::vector<PdqHash> hashes;
  std::vector<PdqHash> queries;
};

const IndexData& Data() {
  static const IndexData kData = [] {
    IndexData d;
    std::mt19937_64 rng(2024);
    std::vector<PdqHash> bases;
    for (int f = 0; f < kFamilies; ++f) {
      bases.push_back(RandomHash(rng));
      for (int m = 0; m < kFamilySize; ++m) d.hashes.push_back(FlipRandomBits(bases.back(), rng() % 21, rng));
    }
    while (d.hashes.size() < static_cast<size_t>(kIndexSize)) d.hashes.push_back(RandomHash(rng));
    std::shuffle(d.hashes.begin(), d.hashes.end(), rng);
    for (int q = 0; q < kQueries; ++q) {
      d.queries.push_back(q % 2 == 0 ? FlipRandomBits(bases[rng() % kFamilies], rng() % 11, rng) : RandomHash(rng));
    }
    return d;
  }();
  return kData;
}

const PdqHashIndex& Index() {
  static const PdqHashIndex kIndex = [] {
    PdqHashIndex index;
    index.Reserve(kIndexSize);
    for (const PdqHash& h : Data().hashes) index.Add(h);
    index.Build();
    return index;
  }();
  return kIndex;
}

void BM_IndexBuild(benchmark::State& state) {
  const auto& data = Data();
  for (auto _ : state) {
    PdqHashIndex index;
    index.Reserve(data.hashes.size());
    for (const PdqHash& h : data.hashes) index.Add(h);
    index.Build();
    benchmark::DoNotOptimize(index.size());
    state.counters["memory_MiB"] = static_cast<double>(index.MemoryBytes()) / (1 << 20);
  }
  state.SetItemsProcessed(state.iterations() * data.hashes.size());
}
BENCHMARK(BM_IndexBuild)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_RadiusQuery(benchmark::State& state, bool mih) {
  const PdqHashIndex& index = Index();
  const auto& queries = Data().queries;
  size_t q = 0, matches = 0, searched = 0;
  for (auto _ : state) {
    const PdqHash& query = queries[q++ % queries.size()];
    const auto m = mih ? index.RadiusSearch(query, kPdqMatchDistance) : index.BruteForceSearch(query, kPdqMatchDistance);
    matches += m.size();
    ++searched;
    benchmark::DoNotOptimize(m.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["matches_per_query"] = static_cast<double>(matches) / std::max<size_t>(searched, 1);
  // Brute force needs only the flat hash array; MIH adds its chunk tables.
  state.counters["memory_MiB"] =
      static_cast<double>(mih ? index.MemoryBytes() : index.size() * sizeof(PdqHash)) / (1 << 20);
}
BENCHMARK_CAPTURE(BM_RadiusQuery, mih, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_RadiusQuery, brute, false)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace impostor

BENCHMARK_MAIN();
