// SignInSorter: puts any number of sign-ins in time order in bounded memory, so a
// scan judges newest-first Graph pages and files that interleave as one stream,
// exactly as if it had sorted them all in memory.
//
//   Add ──► in-memory run (compact records, records/signin_codec.h)
//             │ full (memory_bytes)
//             ▼
//           sorted run file (spilled, temporary) ... ──► ForEach: k-way merge by (time, ordinal)
//
// The order is (time, ordinal): the caller gives each record an ordinal in arrival
// order, so ties keep the order of the inputs whatever thread encoded them and
// whatever was spilled when. Input that fits in one run is never written to disk.
// Each visited record has a locator (run, offset) by which Fetch reads it back until
// the sorter is destroyed: population detectors keep 8-byte locators instead of
// whole sign-ins for the evidence they may cite.
//
// Ownership and thread safety: owns its run files (removed by the destructor). Add
// and AddEncoded may be called from several threads; ForEach once, after the last
// Add, from one thread; Fetch from the visitor's thread or after ForEach.
#ifndef IMPOSTOR_ENGINE_SIGNIN_SORTER_H_
#define IMPOSTOR_ENGINE_SIGNIN_SORTER_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "detect/signin_summary.h"
#include "records/signin.h"

namespace impostor {

// A batch of records encoded off the sorter's lock (EncodeSignIn), with their keys.
struct EncodedSignIns {
  struct Entry {
    TimeMs time;
    uint64_t ordinal;
    uint32_t offset;  // in bytes
    uint32_t size;
  };
  std::string bytes;
  std::vector<Entry> entries;

  void Add(const SignIn& signin, uint64_t ordinal);
  void clear() {
    bytes.clear();
    entries.clear();
  }
};

class SignInSorter final : public SignInArchive {
 public:
  struct Options {
    size_t memory_bytes = size_t{256} << 20;  // records held before a run is spilled
    std::string spill_dir;                    // "" = the system's temporary directory
  };
  struct Stats {
    uint64_t records = 0;
    uint64_t runs_spilled = 0;
    uint64_t bytes_spilled = 0;
    size_t peak_memory_bytes = 0;
  };

  explicit SignInSorter(Options options);
  ~SignInSorter() override;
  SignInSorter(const SignInSorter&) = delete;
  SignInSorter& operator=(const SignInSorter&) = delete;

  Status Add(const SignIn& signin, uint64_t ordinal);
  Status AddEncoded(const EncodedSignIns& batch);

  // Visits every record once in (time, ordinal) order; stops at the first non-OK
  // status the visitor returns and returns it.
  using Visitor = std::function<Status(const SignIn& signin, uint64_t locator)>;
  Status ForEach(const Visitor& visit);
  // The same order, decoding each record into the SignIn `into` returns (whose
  // strings' storage is reused) and then calling `decoded` with its locator: a
  // consumer on other threads fills batches without copying records.
  Status ForEachInto(const std::function<SignIn*()>& into, const std::function<Status(uint64_t locator)>& decoded);

  // Reads back the record `locator` names.
  Status Fetch(uint64_t locator, SignIn* out) const override;

  const Stats& stats() const { return stats_; }

 private:
  struct Key {
    TimeMs time;
    uint64_t ordinal;
    uint64_t offset;
    uint32_t size;
  };
  struct RunFile {
    int fd = -1;  // of the run, unlinked at creation
  };
  Status SpillLocked();
  size_t MemoryLocked() const { return arena_.size() + keys_.size() * sizeof(Key); }

  Options options_;
  mutable std::mutex mu_;
  std::string arena_;       // the in-memory run's records, back to back
  std::vector<Key> keys_;   // one per record of the in-memory run
  std::vector<RunFile> runs_;
  Stats stats_;
};

}  // namespace impostor

#endif  // IMPOSTOR_ENGINE_SIGNIN_SORTER_H_
