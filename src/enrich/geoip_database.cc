#include "enrich/geoip_database.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <memory>
#include <cstring>
#include <ctime>
#include <set>
#include <vector>

namespace impostor {
namespace {

// libmaxminddb paths, built once. Each is a NULL-terminated array of keys.
const char* const kCountryIso[] = {"country", "iso_code", nullptr};
const char* const kSubdivisionName[] = {"subdivisions", "0", "names", "en", nullptr};
const char* const kCityName[] = {"city", "names", "en", nullptr};
const char* const kLocation[] = {"location", nullptr};
const char* const kLatitude[] = {"latitude", nullptr};
const char* const kLongitude[] = {"longitude", nullptr};
const char* const kAccuracyRadius[] = {"accuracy_radius", nullptr};
const char* const kCountryCode[] = {"country_code", nullptr};
const char* const kState1[] = {"state1", nullptr};
const char* const kCity[] = {"city", nullptr};
const char* const kAsNumber[] = {"autonomous_system_number", nullptr};
const char* const kAsOrg[] = {"autonomous_system_organization", nullptr};
const char* const kIsp[] = {"isp", nullptr};
const char* const kOrganization[] = {"organization", nullptr};
const char* const kMobileCountryCode[] = {"mobile_country_code", nullptr};
const char* const kConnectionType[] = {"connection_type", nullptr};
const char* const kIsAnonymous[] = {"is_anonymous", nullptr};
const char* const kIsAnonymousVpn[] = {"is_anonymous_vpn", nullptr};
const char* const kIsHostingProvider[] = {"is_hosting_provider", nullptr};
const char* const kIsPublicProxy[] = {"is_public_proxy", nullptr};
const char* const kIsResidentialProxy[] = {"is_residential_proxy", nullptr};
const char* const kIsTorExitNode[] = {"is_tor_exit_node", nullptr};

// Decoding a data record walks its maps key by key, several times over (one walk
// per field) -- most of a lookup's cost -- while many addresses lead to the same
// record. Each thread keeps the last record decoded in each of kDecodedSlots slots,
// keyed by the database's serial (never reused, unlike its address) and the
// record's offset in the data section. About 0.9 MB per thread.
struct DecodedRecord {
  uint64_t serial = 0;  // 0: empty
  uint64_t offset = 0;
  GeoIpRecord record;
};
constexpr size_t kDecodedSlots = 4096;
std::atomic<uint64_t> next_serial{1};

DecodedRecord& DecodedSlot(uint64_t serial, uint64_t offset) {
  thread_local std::unique_ptr<DecodedRecord[]> slots(new DecodedRecord[kDecodedSlots]);
  uint64_t h = (offset ^ (serial << 40)) * 0x9E3779B97F4A7C15ull;
  return slots[(h >> 32) & (kDecodedSlots - 1)];
}

// Fetches `path` below `entry`. *found is false when the key is absent (not an
// error: most keys are optional). Damaged data is an error.
int GetValue(MMDB_entry_s* entry, const char* const* path, MMDB_entry_data_s* data, bool* found) {
  int rc = MMDB_aget_value(entry, data, path);
  if (rc == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR) {
    *found = false;
    return MMDB_SUCCESS;
  }
  *found = rc == MMDB_SUCCESS && data->has_data;
  return rc;
}

int GetString(MMDB_entry_s* entry, const char* const* path, std::string_view* out) {
  MMDB_entry_data_s data;
  bool found = false;
  int rc = GetValue(entry, path, &data, &found);
  if (found && data.type == MMDB_DATA_TYPE_UTF8_STRING) {
    *out = std::string_view(data.utf8_string, data.data_size);
  }
  return rc;
}

int GetDouble(MMDB_entry_s* entry, const char* const* path, double* out) {
  MMDB_entry_data_s data;
  bool found = false;
  int rc = GetValue(entry, path, &data, &found);
  if (!found) return rc;
  if (data.type == MMDB_DATA_TYPE_DOUBLE) {
    *out = data.double_value;
  } else if (data.type == MMDB_DATA_TYPE_FLOAT) {
    *out = data.float_value;
  }
  return rc;
}

int GetUint(MMDB_entry_s* entry, const char* const* path, uint64_t* out, bool* present) {
  MMDB_entry_data_s data;
  bool found = false;
  int rc = GetValue(entry, path, &data, &found);
  if (!found) return rc;
  switch (data.type) {
    case MMDB_DATA_TYPE_UINT16: *out = data.uint16; *present = true; break;
    case MMDB_DATA_TYPE_UINT32: *out = data.uint32; *present = true; break;
    case MMDB_DATA_TYPE_UINT64: *out = data.uint64; *present = true; break;
    case MMDB_DATA_TYPE_INT32:
      if (data.int32 >= 0) {
        *out = static_cast<uint64_t>(data.int32);
        *present = true;
      }
      break;
    default: break;
  }
  return rc;
}

int GetBool(MMDB_entry_s* entry, const char* const* path, bool* out) {
  MMDB_entry_data_s data;
  bool found = false;
  int rc = GetValue(entry, path, &data, &found);
  if (found && data.type == MMDB_DATA_TYPE_BOOLEAN) *out = data.boolean;
  return rc;
}

bool Contains(const std::string& haystack, const char* needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle, needle + std::strlen(needle),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                    std::tolower(static_cast<unsigned char>(b)); });
  return it != haystack.end();
}

// The schema a metadata database_type names, if any.
std::optional<GeoIpSchema> SchemaFromType(const std::string& type) {
  if (Contains(type, "Anonymous-IP") || Contains(type, "Anonymous IP")) return GeoIpSchema::kAnonymousIp;
  if (Contains(type, "Connection-Type") || Contains(type, "Connection Type")) {
    return GeoIpSchema::kConnectionType;
  }
  if (Contains(type, "-ISP") || type == "ISP") return GeoIpSchema::kIsp;
  if (Contains(type, "ASN")) return GeoIpSchema::kAsn;
  if (Contains(type, "City") || Contains(type, "Enterprise")) return GeoIpSchema::kCity;
  if (Contains(type, "Country")) return GeoIpSchema::kCountry;
  return std::nullopt;
}

bool AnyOf(const std::set<std::string>& keys, std::initializer_list<const char*> wanted) {
  for (const char* w : wanted) {
    if (keys.count(w)) return true;
  }
  return false;
}

std::string JoinKeys(const std::set<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out.empty() ? "(none)" : out;
}

}  // namespace

const char* GeoIpSchemaName(GeoIpSchema schema) {
  switch (schema) {
    case GeoIpSchema::kCity: return "city";
    case GeoIpSchema::kCountry: return "country";
    case GeoIpSchema::kAsn: return "asn";
    case GeoIpSchema::kIsp: return "isp";
    case GeoIpSchema::kAnonymousIp: return "anonymous-ip";
    case GeoIpSchema::kConnectionType: return "connection-type";
    case GeoIpSchema::kFlatCity: return "flat-city";
  }
  return "unknown";
}

Status GeoIpDatabase::Error(const char* what, int mmdb_status) const {
  std::string msg = path_ + ": " + what + ": " + MMDB_strerror(mmdb_status);
  switch (mmdb_status) {
    case MMDB_FILE_OPEN_ERROR:
    case MMDB_IO_ERROR:
      return Status::IOError(msg);
    case MMDB_OUT_OF_MEMORY_ERROR:
      return Status::IOError(msg);
    case MMDB_UNKNOWN_DATABASE_FORMAT_ERROR:
      return Status::Corruption(msg + " (not a MaxMind DB file)");
    case MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR:
    case MMDB_INVALID_LOOKUP_PATH_ERROR:
      return Status::InvalidArgument(msg);
    default:  // corrupt search tree, metadata, data, node number, path mismatch
      return Status::Corruption(msg);
  }
}

Result<std::unique_ptr<GeoIpDatabase>> GeoIpDatabase::Open(const std::string& path,
                                                           const GeoIpOpenOptions& options) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    std::string msg = path + ": cannot open GeoIP database: " + std::strerror(err);
    return err == ENOENT ? Status::NotFound(msg) : Status::IOError(msg);
  }
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + ": not a regular file");

  std::unique_ptr<GeoIpDatabase> db(new GeoIpDatabase);
  db->path_ = path;
  errno = 0;
  int rc = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db->mmdb_);
  if (rc != MMDB_SUCCESS) {
    // MMDB_open releases everything itself on failure.
    Status st = db->Error("cannot open GeoIP database", rc);
    if (rc == MMDB_FILE_OPEN_ERROR || rc == MMDB_IO_ERROR) {
      int err = errno;
      if (err != 0) st = Status::IOError(st.message() + " (" + std::strerror(err) + ")");
    }
    return st;
  }
  db->is_open_ = true;
  db->serial_ = next_serial.fetch_add(1, std::memory_order_relaxed);
  if (db->mmdb_.metadata.database_type != nullptr) db->database_type_ = db->mmdb_.metadata.database_type;

  IMPOSTOR_RETURN_IF_ERROR(db->VerifyMetadata());
  if (options.verify) IMPOSTOR_RETURN_IF_ERROR(db->VerifyTreeAndData());
  IMPOSTOR_RETURN_IF_ERROR(db->DetectSchema());
  return db;
}

GeoIpDatabase::~GeoIpDatabase() {
  if (is_open_) MMDB_close(&mmdb_);
}

Status GeoIpDatabase::VerifyMetadata() const {
  const MMDB_metadata_s& m = mmdb_.metadata;
  auto bad = [&](const std::string& what) {
    return Status::Corruption(path_ + ": invalid MaxMind DB metadata: " + what);
  };
  if (m.binary_format_major_version != 2) {
    return bad("binary format version " + std::to_string(m.binary_format_major_version) +
               " (only 2 is defined)");
  }
  if (m.ip_version != 4 && m.ip_version != 6) {
    return bad("ip_version " + std::to_string(m.ip_version) + " (must be 4 or 6)");
  }
  if (m.record_size != 24 && m.record_size != 28 && m.record_size != 32) {
    return bad("record_size " + std::to_string(m.record_size) + " (must be 24, 28 or 32)");
  }
  if (m.node_count == 0) return bad("node_count is 0");
  const uint64_t tree_bytes = static_cast<uint64_t>(m.node_count) * m.record_size / 4;
  if (tree_bytes + 16 > static_cast<uint64_t>(mmdb_.file_size)) {
    return bad("search tree of " + std::to_string(m.node_count) + " nodes does not fit in a file of " +
               std::to_string(mmdb_.file_size) + " bytes");
  }
  if (database_type_.empty()) return bad("database_type is missing");
  return Status::OK();
}

// Every record of every node must point at a node, the empty marker or inside the
// data section; every data record must decode. libmaxminddb checks nesting depth,
// sizes and pointers while decoding, so one decode per distinct record finds
// truncated strings, bad doubles, cyclic pointers and the like.
Status GeoIpDatabase::VerifyTreeAndData() const {
  const uint32_t node_count = mmdb_.metadata.node_count;
  const uint64_t data_size = mmdb_.data_section_size;
  // Distinct data records as a bitmap over the data section: many records share
  // one (every address of a city), and marking bits is cheaper than sorting
  // every pointer, which dominated opening the database.
  std::vector<uint64_t> seen(data_size / 64 + 1, 0);
  bool any_record = false;
  for (uint32_t n = 0; n < node_count; ++n) {
    MMDB_search_node_s node;
    int rc = MMDB_read_node(&mmdb_, n, &node);
    if (rc != MMDB_SUCCESS) return Error(("reading search tree node " + std::to_string(n)).c_str(), rc);
    for (uint64_t record : {node.left_record, node.right_record}) {
      if (record == 0) {
        return Status::Corruption(path_ + ": corrupt search tree: node " + std::to_string(n) +
                                  " points back at the root node");
      }
      if (record <= node_count) continue;  // a node, or the empty marker
      // Data pointers skip the 16-byte separator between tree and data section.
      const uint64_t past_tree = record - node_count;
      if (past_tree < 16 || past_tree - 16 >= data_size) {
        return Status::Corruption(path_ + ": corrupt search tree: node " + std::to_string(n) +
                                  " points at " + std::to_string(record) +
                                  ", outside the data section (" + std::to_string(data_size) +
                                  " bytes after " + std::to_string(node_count) + " nodes)");
      }
      const uint64_t offset = past_tree - 16;
      seen[offset / 64] |= uint64_t{1} << (offset % 64);
      any_record = true;
    }
  }
  IMPOSTOR_RETURN_IF_ERROR(VerifyTreeShape());
  if (!any_record) return Status::Corruption(path_ + ": the search tree holds no data record");
  for (size_t word = 0; word < seen.size(); ++word) {
    for (uint64_t bits = seen[word]; bits != 0; bits &= bits - 1) {
      const uint32_t offset = static_cast<uint32_t>(word * 64 + static_cast<size_t>(__builtin_ctzll(bits)));
      IMPOSTOR_RETURN_IF_ERROR(DecodeDataRecord(offset));
    }
  }
  return Status::OK();
}

Status GeoIpDatabase::DecodeDataRecord(uint32_t offset) const {
  MMDB_entry_s entry{&mmdb_, offset};
  MMDB_entry_data_list_s* list = nullptr;
  int rc = MMDB_get_entry_data_list(&entry, &list);
  MMDB_free_entry_data_list(list);
  if (rc != MMDB_SUCCESS) return Error(("decoding the data record at offset " + std::to_string(offset)).c_str(), rc);
  return Status::OK();
}

// From the root, the tree must be acyclic and no deeper than the address has
// bits (32 or 128): lookups stop after that many bits, so a deeper or cyclic tree
// answers wrongly. Iterative post-order walk computing each node's height.
Status GeoIpDatabase::VerifyTreeShape() const {
  const uint32_t node_count = mmdb_.metadata.node_count;
  const int max_depth = mmdb_.metadata.ip_version == 4 ? 32 : 128;
  constexpr uint8_t kUnseen = 255, kInProgress = 254;
  std::vector<uint8_t> height(node_count, kUnseen);
  std::vector<uint32_t> stack{0};
  while (!stack.empty()) {
    const uint32_t n = stack.back();
    MMDB_search_node_s node;
    int rc = MMDB_read_node(&mmdb_, n, &node);
    if (rc != MMDB_SUCCESS) return Error(("reading search tree node " + std::to_string(n)).c_str(), rc);
    if (height[n] == kUnseen) {
      height[n] = kInProgress;
      for (uint64_t child : {node.left_record, node.right_record}) {
        if (child >= node_count) continue;  // empty or data
        if (height[child] == kInProgress) {
          return Status::Corruption(path_ + ": corrupt search tree: node " + std::to_string(n) +
                                    " points back at node " + std::to_string(child) + " (a cycle)");
        }
        if (height[child] == kUnseen) stack.push_back(static_cast<uint32_t>(child));
      }
      continue;
    }
    stack.pop_back();
    if (height[n] != kInProgress) continue;  // finished through another parent
    int h = 1;
    for (uint64_t child : {node.left_record, node.right_record}) {
      if (child < node_count) h = std::max(h, 1 + height[child]);
    }
    if (h > max_depth) {
      return Status::Corruption(path_ + ": corrupt search tree: deeper than the " +
                                std::to_string(max_depth) + " bits of an IPv" +
                                std::to_string(mmdb_.metadata.ip_version) + " address below node " +
                                std::to_string(n));
    }
    height[n] = static_cast<uint8_t>(h);
  }
  return Status::OK();
}

Status GeoIpDatabase::DetectSchema() {
  // Read the top-level keys of the first data records in node order (a record
  // may be an empty map, so look at several).
  constexpr size_t kSamples = 32;
  const uint32_t node_count = mmdb_.metadata.node_count;
  const uint64_t data_size = mmdb_.data_section_size;
  std::vector<uint32_t> samples;
  for (uint32_t n = 0; n < node_count && samples.size() < kSamples; ++n) {
    MMDB_search_node_s node;
    int rc = MMDB_read_node(&mmdb_, n, &node);
    if (rc != MMDB_SUCCESS) return Error(("reading search tree node " + std::to_string(n)).c_str(), rc);
    for (uint64_t record : {node.left_record, node.right_record}) {
      if (record <= node_count) continue;
      const uint64_t past_tree = record - node_count;
      if (past_tree < 16 || past_tree - 16 >= data_size) {
        return Status::Corruption(path_ + ": corrupt search tree at node " + std::to_string(n));
      }
      const uint32_t offset = static_cast<uint32_t>(past_tree - 16);
      if (std::find(samples.begin(), samples.end(), offset) == samples.end()) samples.push_back(offset);
    }
  }
  if (samples.empty()) return Status::Corruption(path_ + ": the search tree holds no data record");

  std::set<std::string> keys;
  Status sample_error;
  size_t decoded = 0;
  for (uint32_t offset : samples) {
    MMDB_entry_s entry{&mmdb_, offset};
    MMDB_entry_data_list_s* list = nullptr;
    int rc = MMDB_get_entry_data_list(&entry, &list);
    if (rc != MMDB_SUCCESS) {
      // Only reachable without verification: a damaged record fails its own
      // lookups; the schema comes from the others.
      MMDB_free_entry_data_list(list);
      if (sample_error.ok()) sample_error = Error("decoding a sample data record", rc);
      continue;
    }
    ++decoded;
    if (list == nullptr || list->entry_data.type != MMDB_DATA_TYPE_MAP) {
      MMDB_free_entry_data_list(list);
      return Status::Unsupported(path_ + ": data records are not maps; database_type '" +
                                 database_type_ + "' is not a GeoIP database impostor reads");
    }
    // Top-level keys: walk the flattened list, skipping each value's subtree.
    uint32_t pairs = list->entry_data.data_size;
    MMDB_entry_data_list_s* cur = list->next;
    for (uint32_t i = 0; i < pairs && cur != nullptr; ++i) {
      if (cur->entry_data.type == MMDB_DATA_TYPE_UTF8_STRING) {
        keys.emplace(cur->entry_data.utf8_string, cur->entry_data.data_size);
      }
      cur = cur->next;  // the value
      uint64_t to_skip = 1;
      while (to_skip > 0 && cur != nullptr) {
        --to_skip;
        if (cur->entry_data.type == MMDB_DATA_TYPE_MAP) to_skip += 2ull * cur->entry_data.data_size;
        if (cur->entry_data.type == MMDB_DATA_TYPE_ARRAY) to_skip += cur->entry_data.data_size;
        cur = cur->next;
      }
    }
    MMDB_free_entry_data_list(list);
  }
  if (decoded == 0) return sample_error;

  const bool flat = AnyOf(keys, {"country_code", "latitude", "longitude", "state1"}) &&
                    !AnyOf(keys, {"country", "location"});
  const bool nested_geo = AnyOf(keys, {"continent", "country", "registered_country", "represented_country",
                                       "city", "location", "postal", "subdivisions", "traits"});
  const bool anonymous = AnyOf(keys, {"is_anonymous", "is_anonymous_vpn", "is_hosting_provider",
                                      "is_public_proxy", "is_residential_proxy", "is_tor_exit_node"});
  const bool connection = keys.count("connection_type") > 0;
  const bool isp = AnyOf(keys, {"isp", "organization", "mobile_country_code", "mobile_network_code"});
  const bool asn = AnyOf(keys, {"autonomous_system_number", "autonomous_system_organization"});

  std::optional<GeoIpSchema> named = SchemaFromType(database_type_);
  auto mismatch = [&](const char* expected) {
    return Status::Unsupported(path_ + ": database_type '" + database_type_ + "' names a " + expected +
                               " database but its records carry the keys: " + JoinKeys(keys));
  };
  if (flat) {
    schema_ = GeoIpSchema::kFlatCity;
    return Status::OK();
  }
  if (named) {
    switch (*named) {
      case GeoIpSchema::kCity:
      case GeoIpSchema::kCountry:
        if (!nested_geo) return mismatch(GeoIpSchemaName(*named));
        break;
      case GeoIpSchema::kAnonymousIp:
        if (!anonymous) return mismatch("Anonymous-IP");
        break;
      case GeoIpSchema::kConnectionType:
        if (!connection) return mismatch("Connection-Type");
        break;
      case GeoIpSchema::kIsp:
        if (!isp && !asn) return mismatch("ISP");
        break;
      case GeoIpSchema::kAsn:
        if (!asn) return mismatch("ASN");
        break;
      case GeoIpSchema::kFlatCity:
        break;
    }
    schema_ = *named;
    return Status::OK();
  }
  // An unfamiliar database_type: go by the keys alone.
  if (nested_geo) {
    schema_ = keys.count("location") || keys.count("city") ? GeoIpSchema::kCity : GeoIpSchema::kCountry;
  } else if (anonymous) {
    schema_ = GeoIpSchema::kAnonymousIp;
  } else if (connection) {
    schema_ = GeoIpSchema::kConnectionType;
  } else if (isp) {
    schema_ = GeoIpSchema::kIsp;
  } else if (asn) {
    schema_ = GeoIpSchema::kAsn;
  } else {
    return Status::Unsupported(path_ + ": database_type '" + database_type_ +
                               "' is no GeoIP schema impostor reads (City, Country, ASN, ISP, "
                               "Anonymous-IP, Connection-Type or ip-location-db flat); its records "
                               "carry the keys: " + JoinKeys(keys));
  }
  return Status::OK();
}

Status GeoIpDatabase::Lookup(const IpAddress& ip, GeoIpRecord* out) const {
  *out = GeoIpRecord{};
  int mmdb_error = MMDB_SUCCESS;
  MMDB_lookup_result_s result;
  if (ip.is_v4) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    std::memcpy(&sa.sin_addr, &ip.bytes[12], 4);
    result = MMDB_lookup_sockaddr(&mmdb_, reinterpret_cast<const sockaddr*>(&sa), &mmdb_error);
  } else {
    if (mmdb_.metadata.ip_version == 4) return Status::OK();  // IPv4-only database
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    std::memcpy(&sa.sin6_addr, ip.bytes.data(), 16);
    result = MMDB_lookup_sockaddr(&mmdb_, reinterpret_cast<const sockaddr*>(&sa), &mmdb_error);
  }
  if (mmdb_error != MMDB_SUCCESS) return Error(("looking up " + ip.ToString()).c_str(), mmdb_error);
  if (!result.found_entry) return Status::OK();
  DecodedRecord& slot = DecodedSlot(serial_, result.entry.offset);
  if (slot.serial == serial_ && slot.offset == result.entry.offset) {
    *out = slot.record;
    return Status::OK();
  }
  out->found = true;
  Status st = Decode(&result.entry, out);
  if (!st.ok()) {
    *out = GeoIpRecord{};
    return st.WithContext("looking up " + ip.ToString());
  }
  slot.serial = serial_;
  slot.offset = result.entry.offset;
  slot.record = *out;
  return st;
}

Status GeoIpDatabase::Decode(MMDB_entry_s* entry, GeoIpRecord* out) const {
  int rc = MMDB_SUCCESS;
  auto check = [&](int r) {
    if (rc == MMDB_SUCCESS && r != MMDB_SUCCESS) rc = r;
  };
  switch (schema_) {
    case GeoIpSchema::kCity:
    case GeoIpSchema::kCountry: {
      check(GetString(entry, kCountryIso, &out->country));
      if (schema_ == GeoIpSchema::kCountry) break;
      check(GetString(entry, kSubdivisionName, &out->region));
      check(GetString(entry, kCityName, &out->city));
      MMDB_entry_data_s location;
      bool found = false;
      check(GetValue(entry, kLocation, &location, &found));
      if (found && location.type == MMDB_DATA_TYPE_MAP) {
        // Look the three location fields up inside the location map only.
        MMDB_entry_s loc{&mmdb_, location.offset};
        check(GetDouble(&loc, kLatitude, &out->lat));
        check(GetDouble(&loc, kLongitude, &out->lon));
        uint64_t radius = 0;
        bool has_radius = false;
        check(GetUint(&loc, kAccuracyRadius, &radius, &has_radius));
        if (has_radius && radius <= 20000) out->accuracy_radius_km = static_cast<int>(radius);
      }
      break;
    }
    case GeoIpSchema::kFlatCity:
      check(GetString(entry, kCountryCode, &out->country));
      check(GetString(entry, kState1, &out->region));
      check(GetString(entry, kCity, &out->city));
      check(GetDouble(entry, kLatitude, &out->lat));
      check(GetDouble(entry, kLongitude, &out->lon));
      break;
    case GeoIpSchema::kIsp:
      check(GetString(entry, kIsp, &out->isp));
      check(GetString(entry, kOrganization, &out->organization));
      check(GetString(entry, kMobileCountryCode, &out->mobile_country_code));
      [[fallthrough]];
    case GeoIpSchema::kAsn: {
      uint64_t asn = 0;
      bool has_asn = false;
      check(GetUint(entry, kAsNumber, &asn, &has_asn));
      if (has_asn && asn <= UINT32_MAX) out->asn = static_cast<uint32_t>(asn);
      check(GetString(entry, kAsOrg, &out->as_org));
      break;
    }
    case GeoIpSchema::kAnonymousIp:
      check(GetBool(entry, kIsAnonymous, &out->is_anonymous));
      check(GetBool(entry, kIsAnonymousVpn, &out->is_anonymous_vpn));
      check(GetBool(entry, kIsHostingProvider, &out->is_hosting_provider));
      check(GetBool(entry, kIsPublicProxy, &out->is_public_proxy));
      check(GetBool(entry, kIsResidentialProxy, &out->is_residential_proxy));
      check(GetBool(entry, kIsTorExitNode, &out->is_tor_exit_node));
      break;
    case GeoIpSchema::kConnectionType:
      check(GetString(entry, kConnectionType, &out->connection_type));
      break;
  }
  if (rc != MMDB_SUCCESS) return Error("decoding the record", rc);
  return Status::OK();
}

std::string GeoIpDatabase::Describe() const {
  char built[32] = "unknown";
  time_t epoch = static_cast<time_t>(mmdb_.metadata.build_epoch);
  struct tm tm_utc;
  if (mmdb_.metadata.build_epoch < (1ull << 40) && gmtime_r(&epoch, &tm_utc) != nullptr) {
    std::strftime(built, sizeof built, "%Y-%m-%d", &tm_utc);
  }
  return database_type_ + " (" + GeoIpSchemaName(schema_) + ", IPv" +
         std::to_string(mmdb_.metadata.ip_version) + ", built " + built + ", " +
         std::to_string(mmdb_.metadata.node_count) + " nodes): " + path_;
}

}  // namespace impostor
