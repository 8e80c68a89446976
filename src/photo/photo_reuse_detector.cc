#include "photo/photo_reuse_detector.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>
#include <tuple>

#include "common/json_writer.h"
#include "photo/hash_index.h"

namespace impostor {
namespace {

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0u); }
  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  bool Union(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return false;
    if (b < a) std::swap(a, b);
    parent_[b] = a;  // the smaller index is the root: deterministic
    return true;
  }

 private:
  std::vector<uint32_t> parent_;
};

// Case and space folding for comparing claimed names (ASCII case only: a name in
// another script compares as written).
std::string FoldName(const std::string& name) {
  std::string out;
  bool space = false;
  for (unsigned char c : name) {
    if (std::isspace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

bool SamePerson(const PhotoRecord& a, const PhotoRecord& b) {
  if (!a.identity.empty() && !b.identity.empty()) return a.identity == b.identity;
  const std::string na = FoldName(a.name), nb = FoldName(b.name);
  return !na.empty() && na == nb;
}

struct Link {
  uint32_t a, b;
  int distance;
  bool whole_photo;
  PdqHash smaller;  // the smaller of the two linked hashes (canonical-id candidate)
};

bool HashLess(const PdqHash& x, const PdqHash& y) {
  for (int w = 3; w >= 0; --w) {
    if (x.words[w] != y.words[w]) return x.words[w] < y.words[w];
  }
  return false;
}

void CollectLinks(const std::vector<PhotoRecord>& records, bool whole_photo, int radius, std::vector<Link>* links) {
  PdqHashIndex index;
  std::vector<uint32_t> owner;
  for (uint32_t r = 0; r < records.size(); ++r) {
    for (const PdqHash& h : whole_photo ? records[r].photo_hashes : records[r].face_hashes) {
      index.Add(h);
      owner.push_back(r);
    }
  }
  if (index.size() < 2) return;
  index.Build();
  for (uint32_t id = 0; id < index.size(); ++id) {
    const PdqHash& h = index.hash(id);
    for (const PdqHashIndex::Match& m : index.RadiusSearch(h, radius)) {
      if (m.id <= id || owner[m.id] == owner[id]) continue;
      const PdqHash& other = index.hash(m.id);
      links->push_back({owner[id], owner[m.id], m.distance, whole_photo, HashLess(other, h) ? other : h});
    }
  }
}

std::string DisplayName(const PhotoRecord& r) {
  if (!r.name.empty()) return r.name;
  if (!r.identity.empty()) return r.identity;
  return "(no name)";
}

}  // namespace

PhotoReuseOptions PhotoReuseOptions::FromParams(const DetectorParams& params) {
  PhotoReuseOptions o;
  o.photo_distance = static_cast<int>(params.Number("photo_distance", o.photo_distance));
  o.face_distance = static_cast<int>(params.Number("face_distance", o.face_distance));
  o.names_listed = static_cast<int>(params.Number("names_listed", o.names_listed));
  o.photo_distance = std::clamp(o.photo_distance, 0, 128);
  o.face_distance = std::clamp(o.face_distance, 0, 128);
  o.names_listed = std::max(o.names_listed, 1);
  return o;
}

const DetectorInfo& PhotoReuseDetector::Info() {
  static const DetectorInfo kInfo = {
      "photo.reuse",
      "Photo::Reuse",
      "The same photo or face (PDQ perceptual hash within a distance) among records that claim different people.",
      "Fraudulent workers paste one polished face onto stolen identity documents and profiles under many names.",
      "cluster",
      "incubating",
      {
          {"photo_distance", "31", "bits", "largest Hamming distance (of 256) at which two whole photos match"},
          {"face_distance", "40", "bits", "largest Hamming distance (of 256) at which two face regions match"},
          {"names_listed", "5", "count", "claimed names spelled out in a finding's explanation"},
      }};
  return kInfo;
}

void RegisterPhotoDetectors(DetectorRegistry& registry) {
  registry.AddPopulation(PhotoReuseDetector::Info(), PopulationStage::kEvidence,
                         [](const PopulationEvidence& ev, const DetectorParams&, FindingSink& sink) {
                           if (ev.photos) ev.photos->Report(sink);
                           return Status::OK();
                         });
}

PhotoReuseDetector::PhotoReuseDetector(PhotoReuseOptions options) : options_(options) {}

void PhotoReuseDetector::Add(PhotoRecord record) { records_.push_back(std::move(record)); }

const std::string& PhotoReuseDetector::PhotoIdOf(const std::string& record_id) const {
  static const std::string kNone;
  auto it = photo_id_by_record_.find(record_id);
  return it == photo_id_by_record_.end() ? kNone : it->second;
}

void PhotoReuseDetector::Cluster() {
  std::vector<Link> links;
  CollectLinks(records_, true, options_.photo_distance, &links);
  CollectLinks(records_, false, options_.face_distance, &links);
  // Kruskal: joining by the closest links first, the links that merge components
  // form a minimum spanning forest, whose largest link is the distance a cluster
  // truly rests on.
  std::sort(links.begin(), links.end(), [](const Link& x, const Link& y) {
    if (x.distance != y.distance) return x.distance < y.distance;
    if (x.whole_photo != y.whole_photo) return x.whole_photo;
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
  UnionFind uf(records_.size());
  std::vector<const Link*> spanning;
  for (const Link& l : links) {
    if (uf.Union(l.a, l.b)) spanning.push_back(&l);
  }
  std::map<uint32_t, PhotoCluster> by_root;
  std::map<uint32_t, PdqHash> canonical;
  for (const Link& l : links) {
    const uint32_t root = uf.Find(l.a);
    PhotoCluster& c = by_root[root];
    c.whole_photo |= l.whole_photo;
    auto it = canonical.find(root);
    if (it == canonical.end() || HashLess(l.smaller, it->second)) canonical[root] = l.smaller;
  }
  // Links arrive closest first, so a cluster's first spanning link is its closest.
  std::map<uint32_t, bool> spanned;
  for (const Link* l : spanning) {
    const uint32_t root = uf.Find(l->a);
    PhotoCluster& c = by_root[root];
    if (!spanned[root]) c.min_distance = l->distance;
    spanned[root] = true;
    c.max_distance = std::max(c.max_distance, l->distance);
  }
  for (uint32_t r = 0; r < records_.size(); ++r) {
    auto it = by_root.find(uf.Find(r));
    if (it != by_root.end()) it->second.records.push_back(r);
  }
  clusters_.clear();
  for (auto& [root, c] : by_root) {
    c.photo_id = canonical[root].ToHex();
    UnionFind persons(c.records.size());
    for (size_t i = 0; i < c.records.size(); ++i) {
      for (size_t j = i + 1; j < c.records.size(); ++j) {
        if (SamePerson(records_[c.records[i]], records_[c.records[j]])) persons.Union(i, j);
      }
    }
    c.persons = 0;
    for (size_t i = 0; i < c.records.size(); ++i) c.persons += persons.Find(i) == i;
    for (uint32_t r : c.records) photo_id_by_record_[records_[r].record_id] = c.photo_id;
    clusters_.push_back(std::move(c));
  }
}

void PhotoReuseDetector::Report(FindingSink& sink) const {
  for (const PhotoCluster& c : clusters_) {
    if (c.persons >= 2) sink.OnFinding(MakeFinding(c));
  }
}

Finding PhotoReuseDetector::MakeFinding(const PhotoCluster& c) const {
  Finding f;
  f.detector = "photo.reuse";
  f.entity_type = "cluster";
  f.entity = c.photo_id;
  std::vector<std::string> ids;
  for (uint32_t r : c.records) ids.push_back(records_[r].record_id);
  std::sort(ids.begin(), ids.end());
  f.key = "photo.reuse|";
  for (size_t i = 0; i < ids.size(); ++i) f.key += (i ? "," : "") + ids[i];
  f.related = ids;

  f.org = records_[c.records[0]].org;
  for (uint32_t r : c.records) {
    if (records_[r].org != f.org) f.org.clear();
  }
  f.first_seen = 0;
  f.last_seen = 0;
  for (uint32_t r : c.records) {
    const TimeMs t = records_[r].time;
    if (t == 0) continue;
    f.first_seen = f.first_seen == 0 ? t : std::min(f.first_seen, t);
    f.last_seen = std::max(f.last_seen, t);
  }
  f.count = 1;

  const int limit = c.whole_photo ? options_.photo_distance : options_.face_distance;
  const double closeness = limit > 0 ? static_cast<double>(c.max_distance) / limit : 0.0;
  f.confidence = std::clamp((c.whole_photo ? 0.95 : 0.85) - 0.35 * closeness, 0.05, 0.99);
  f.severity = c.persons >= 3 ? Severity::kHigh : Severity::kMedium;
  const char* what = c.whole_photo ? "photo" : "face";
  f.title = c.whole_photo ? "Same photo under different names" : "Same face under different names";

  // One entry per claimed person: "Alice Kim (ats-17, hr-2)".
  struct Person {
    uint32_t first;  // record that named the person first
    std::vector<std::string> ids;
  };
  std::vector<Person> people;
  for (uint32_t r : c.records) {
    auto it = std::find_if(people.begin(), people.end(),
                           [&](const Person& p) { return SamePerson(records_[p.first], records_[r]); });
    if (it == people.end()) people.push_back({r, {records_[r].record_id}});
    else it->ids.push_back(records_[r].record_id);
  }
  std::string distance = c.min_distance == c.max_distance
                             ? "distance " + std::to_string(c.max_distance)
                             : "distance " + std::to_string(c.min_distance) + "-" + std::to_string(c.max_distance);
  f.explanation = std::string("same ") + what + " (" + distance + "/256) under " + std::to_string(c.persons) +
                  " names: ";
  const int listed = std::min<int>(options_.names_listed, static_cast<int>(people.size()));
  for (int i = 0; i < listed; ++i) {
    if (i) f.explanation += ", ";
    f.explanation += DisplayName(records_[people[i].first]) + " (";
    for (size_t k = 0; k < people[i].ids.size(); ++k) f.explanation += (k ? ", " : "") + people[i].ids[k];
    f.explanation += ")";
  }
  if (static_cast<int>(people.size()) > listed) {
    f.explanation += " and " + std::to_string(people.size() - listed) + " more";
  }

  for (uint32_t r : c.records) {
    if (f.evidence.size() >= 20) break;
    const PhotoRecord& rec = records_[r];
    std::string json;
    JsonWriter w(&json);
    w.BeginObject();
    w.Field("record_id", rec.record_id);
    w.Field("name", rec.name);
    if (!rec.identity.empty()) w.Field("identity", rec.identity);
    if (!rec.source.empty()) w.Field("source", rec.source);
    if (!rec.org.empty()) w.Field("org", rec.org);
    w.Key("photo_hashes");
    w.BeginArray();
    for (const PdqHash& h : rec.photo_hashes) w.String(h.ToHex());
    w.EndArray();
    w.Key("face_hashes");
    w.BeginArray();
    for (const PdqHash& h : rec.face_hashes) w.String(h.ToHex());
    w.EndArray();
    w.EndObject();
    f.evidence.push_back({"person", std::move(json)});
  }

  std::string attrs;
  JsonWriter w(&attrs);
  w.BeginObject();
  w.Field("photo_id", c.photo_id);
  w.Field("match", what);
  w.Field("min_distance", c.min_distance);
  w.Field("max_distance", c.max_distance);
  w.Field("persons", c.persons);
  w.Field("records", static_cast<int>(c.records.size()));
  w.EndObject();
  f.attributes_json = std::move(attrs);
  return f;
}

}  // namespace impostor
