#include "store/finding_codec.h"

#include "store/store.h"

#include <cstring>

#include "common/json_writer.h"

namespace impostor {

simdjson::padded_string_view FindingCodec::Padded(std::string_view json) {
  if (pad_buffer_.size() < json.size() + simdjson::SIMDJSON_PADDING) {
    pad_buffer_.resize(json.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(pad_buffer_.data(), json.data(), json.size());
  return simdjson::padded_string_view(pad_buffer_.data(), json.size(), pad_buffer_.size());
}

std::string FindingCodec::EncodeEvidence(const std::vector<Evidence>& evidence) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const Evidence& e : evidence) {
    w.BeginObject();
    w.Field("kind", e.kind);
    simdjson::dom::element parsed;
    const bool is_object = validator_.parse(e.json).get(parsed) == simdjson::SUCCESS && parsed.is_object();
    if (is_object) {
      w.RawField("data", e.json);
    } else {
      w.Field("text", e.json);
    }
    w.EndObject();
  }
  w.EndArray();
  return out;
}

std::string FindingCodec::EncodeRelated(const std::vector<std::string>& related) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const std::string& r : related) w.String(r);
  w.EndArray();
  return out;
}

Status FindingCodec::DecodeEvidence(std::string_view json, const std::string& store, const std::string& key,
                                    std::vector<Evidence>* out) {
  out->clear();
  const auto bad = [&](const char* what) {
    return Status::Corruption(store + ": finding '" + key + "' has unreadable evidence (" + what +
                              "); restore the store from a backup or pass a new --db");
  };
  simdjson::ondemand::document doc;
  if (ondemand_.iterate(Padded(json)).get(doc) != simdjson::SUCCESS) return bad("not JSON");
  simdjson::ondemand::array arr;
  if (doc.get_array().get(arr) != simdjson::SUCCESS) return bad("not an array");
  for (auto item : arr) {
    simdjson::ondemand::object obj;
    if (item.get_object().get(obj) != simdjson::SUCCESS) return bad("an item is not an object");
    Evidence e;
    bool has_body = false;
    for (auto field : obj) {
      std::string_view name;
      if (field.unescaped_key().get(name) != simdjson::SUCCESS) return bad("bad key");
      if (name == "kind") {
        std::string_view v;
        if (field.value().get_string().get(v) != simdjson::SUCCESS) return bad("kind is not a string");
        e.kind = std::string(v);
      } else if (name == "data") {
        simdjson::ondemand::object data;
        std::string_view raw;
        if (field.value().get_object().get(data) != simdjson::SUCCESS || data.raw_json().get(raw) != simdjson::SUCCESS) {
          return bad("data is not an object");
        }
        e.json = std::string(raw);
        has_body = true;
      } else if (name == "text") {
        std::string_view v;
        if (field.value().get_string().get(v) != simdjson::SUCCESS) return bad("text is not a string");
        e.json = std::string(v);
        has_body = true;
      }
    }
    if (!has_body) return bad("an item has neither data nor text");
    out->push_back(std::move(e));
  }
  return Status::OK();
}

Status FindingCodec::DecodeRelated(std::string_view json, const std::string& store, const std::string& key,
                                   std::vector<std::string>* out) {
  out->clear();
  const auto bad = [&]() {
    return Status::Corruption(store + ": finding '" + key +
                              "' has an unreadable related list; restore the store from a backup or pass a new --db");
  };
  simdjson::ondemand::document doc;
  if (ondemand_.iterate(Padded(json)).get(doc) != simdjson::SUCCESS) return bad();
  simdjson::ondemand::array arr;
  if (doc.get_array().get(arr) != simdjson::SUCCESS) return bad();
  for (auto item : arr) {
    std::string_view v;
    if (item.get_string().get(v) != simdjson::SUCCESS) return bad();
    out->emplace_back(v);
  }
  return Status::OK();
}

Status SyncRelatedIndex(Store& store, const std::string& key, const std::vector<std::string>& before,
                        const std::vector<std::string>& after) {
  if (before == after) return Status::OK();
  if (!before.empty()) {
    IMPOSTOR_RETURN_IF_ERROR(store
                                 .Query("DELETE FROM finding_related WHERE key = ?1", {SqlValue::Text(key)},
                                        "indexing finding '" + key + "'")
                                 .status());
  }
  for (const std::string& entity : after) {
    IMPOSTOR_RETURN_IF_ERROR(store
                                 .Query("INSERT INTO finding_related(entity, key) VALUES(?1, ?2) "
                                        "ON CONFLICT(entity, key) DO NOTHING",
                                        {SqlValue::Text(entity), SqlValue::Text(key)},
                                        "indexing finding '" + key + "'")
                                 .status());
  }
  return Status::OK();
}

}  // namespace impostor
