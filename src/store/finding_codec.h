// FindingCodec: the text forms a store keeps a finding's evidence and related
// entities in, shared by every Store implementation so that a finding reads back
// byte for byte whichever database holds it (MergeFinding compares evidence by
// text, so a store that changed it would add duplicate evidence on every scan).
//
//   evidence_json  [{"kind":K,"data":{...}}]  `data` is the detector's JSON object
//                  verbatim; text that is not a JSON object is kept as a string:
//                  {"kind":K,"text":"..."}
//   related_json   ["entity", ...]
//
// Ownership and thread safety: a codec owns its parsers and buffer; use one codec
// from one thread at a time (each store owns its own).
#ifndef IMPOSTOR_STORE_FINDING_CODEC_H_
#define IMPOSTOR_STORE_FINDING_CODEC_H_

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "detect/finding.h"

namespace impostor {

class FindingCodec {
 public:
  std::string EncodeEvidence(const std::vector<Evidence>& evidence);
  static std::string EncodeRelated(const std::vector<std::string>& related);
  // `store` names the store in the error (a path or a server), `key` the finding.
  Status DecodeEvidence(std::string_view json, const std::string& store, const std::string& key,
                        std::vector<Evidence>* out);
  Status DecodeRelated(std::string_view json, const std::string& store, const std::string& key,
                       std::vector<std::string>* out);

 private:
  // Copies `json` into a padded buffer that simdjson On-Demand can read.
  simdjson::padded_string_view Padded(std::string_view json);

  simdjson::ondemand::parser ondemand_;
  simdjson::dom::parser validator_;
  std::string pad_buffer_;
};

class Store;

// Keeps the table finding_related (entity -> finding key, so that "every finding
// naming this account" is an index lookup) equal to a finding's related list
// after a write: rewrites the key's rows when the list changed. Inside the
// store's UpsertFinding transaction, through Store::Query.
Status SyncRelatedIndex(Store& store, const std::string& key, const std::vector<std::string>& before,
                        const std::vector<std::string>& after);

}  // namespace impostor

#endif  // IMPOSTOR_STORE_FINDING_CODEC_H_
