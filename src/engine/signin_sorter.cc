#include "engine/signin_sorter.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <queue>

#include "records/signin_codec.h"

namespace impostor {

namespace {

// Record header in a run file: time, ordinal, size of the encoded record.
constexpr size_t kHeader = sizeof(int64_t) + sizeof(uint64_t) + sizeof(uint32_t);
// A locator: run number (0 = the in-memory run, n = run file n-1) above, offset below.
constexpr int kLocatorShift = 48;
constexpr uint64_t kOffsetMask = (uint64_t{1} << kLocatorShift) - 1;
constexpr size_t kReadBuffer = size_t{1} << 20;

Status WriteAll(int fd, const char* data, size_t n, const std::string& what) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("writing " + what + ": " + std::strerror(errno) +
                             " (free disk space there, or raise --sort-memory-mb)");
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Status::OK();
}

// Reads up to `n` bytes at `offset`; returns how many (fewer only at the end).
Result<size_t> ReadAt(int fd, uint64_t offset, char* data, size_t n, const std::string& what) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, data + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("reading " + what + ": " + std::strerror(errno));
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

// The head of one run during the merge.
struct Cursor {
  TimeMs time = 0;
  uint64_t ordinal = 0;
  std::string_view bytes;  // the current record
  uint64_t locator = 0;
  // Run file state (fd < 0 for the in-memory run).
  int fd = -1;
  uint64_t file_offset = 0;  // of buffer[0]
  std::string buffer;
  size_t pos = 0;
  // In-memory run state.
  size_t next_key = 0;
};

}  // namespace

void EncodedSignIns::Add(const SignIn& signin, uint64_t ordinal) {
  const size_t offset = bytes.size();
  EncodeSignIn(signin, bytes);
  entries.push_back({signin.time_ms, ordinal, static_cast<uint32_t>(offset), static_cast<uint32_t>(bytes.size() - offset)});
}

SignInSorter::SignInSorter(Options options) : options_(std::move(options)) {}

SignInSorter::~SignInSorter() {
  for (RunFile& r : runs_)
    if (r.fd >= 0) ::close(r.fd);
}

Status SignInSorter::Add(const SignIn& signin, uint64_t ordinal) {
  EncodedSignIns one;
  one.Add(signin, ordinal);
  return AddEncoded(one);
}

Status SignInSorter::AddEncoded(const EncodedSignIns& batch) {
  std::lock_guard<std::mutex> lock(mu_);
  // The run's whole budget at once: growing by doubling would copy the run
  // again and again and hold two copies at each step. Pages untouched cost nothing.
  if (arena_.capacity() < options_.memory_bytes)
    arena_.reserve(options_.memory_bytes + (options_.memory_bytes >> 4));
  const size_t base = arena_.size();
  arena_.append(batch.bytes);
  for (const EncodedSignIns::Entry& e : batch.entries) keys_.push_back({e.time, e.ordinal, base + e.offset, e.size});
  stats_.records += batch.entries.size();
  stats_.peak_memory_bytes = std::max(stats_.peak_memory_bytes, MemoryLocked());
  if (MemoryLocked() >= options_.memory_bytes) return SpillLocked();
  return Status::OK();
}

namespace {
template <typename K>
void SortKeys(std::vector<K>& keys) {
  std::sort(keys.begin(), keys.end(), [](const K& a, const K& b) {
    return a.time != b.time ? a.time < b.time : a.ordinal < b.ordinal;
  });
}
}  // namespace

Status SignInSorter::SpillLocked() {
  if (keys_.empty()) return Status::OK();
  if (runs_.size() + 1 >= (size_t{1} << (64 - kLocatorShift)) - 1)
    return Status::Internal("too many sorted runs; raise --sort-memory-mb");
  SortKeys(keys_);
  std::string dir = options_.spill_dir;
  if (dir.empty()) {
    std::error_code ec;
    dir = std::filesystem::temp_directory_path(ec).string();
    if (ec) dir = "/tmp";
  }
  std::string path = dir + "/impostor-run-XXXXXX";
  int fd = ::mkstemp(path.data());
  if (fd < 0)
    return Status::IOError("creating a sorted run in " + dir + ": " + std::strerror(errno) +
                           " (set TMPDIR to a writable folder with space, or raise --sort-memory-mb)");
  // Unlinked at once: the file lives as long as the descriptor, and a crash leaves nothing behind.
  ::unlink(path.c_str());
  RunFile run{fd};
  std::string out;
  out.reserve(kReadBuffer * 4);
  Status st;
  for (const Key& k : keys_) {
    char header[kHeader];
    std::memcpy(header, &k.time, sizeof k.time);
    std::memcpy(header + 8, &k.ordinal, sizeof k.ordinal);
    std::memcpy(header + 16, &k.size, sizeof k.size);
    out.append(header, kHeader);
    out.append(arena_, k.offset, k.size);
    if (out.size() >= kReadBuffer * 4) {
      st = WriteAll(fd, out.data(), out.size(), "a sorted run in " + dir);
      if (!st.ok()) break;
      stats_.bytes_spilled += out.size();
      out.clear();
    }
  }
  if (st.ok()) {
    st = WriteAll(fd, out.data(), out.size(), "a sorted run in " + dir);
    stats_.bytes_spilled += out.size();
  }
  if (!st.ok()) {
    ::close(fd);
    return st;
  }
  runs_.push_back(std::move(run));
  ++stats_.runs_spilled;
  // Released, not kept: the next run reserves afresh and touches only the pages it
  // fills, so a short last run holds little while the detectors run.
  arena_.clear();
  arena_.shrink_to_fit();
  keys_.clear();
  keys_.shrink_to_fit();
  return Status::OK();
}

Status SignInSorter::ForEach(const Visitor& visit) {
  SignIn signin;
  return ForEachInto([&] { return &signin; }, [&](uint64_t locator) { return visit(signin, locator); });
}

Status SignInSorter::ForEachInto(const std::function<SignIn*()>& into,
                                 const std::function<Status(uint64_t locator)>& decoded) {
  std::lock_guard<std::mutex> lock(mu_);
  SortKeys(keys_);
  std::vector<Cursor> cursors(runs_.size() + 1);

  // Loads the cursor's next record; false at the end of its run.
  auto advance = [&](Cursor& c) -> Result<bool> {
    if (c.fd < 0) {
      if (c.next_key >= keys_.size()) return false;
      const Key& k = keys_[c.next_key++];
      c.time = k.time;
      c.ordinal = k.ordinal;
      c.bytes = std::string_view(arena_).substr(k.offset, k.size);
      c.locator = k.offset;
      return true;
    }
    auto fill = [&](size_t need) -> Result<bool> {
      if (c.buffer.size() - c.pos >= need) return true;
      c.file_offset += c.pos;
      c.buffer.erase(0, c.pos);
      c.pos = 0;
      const size_t have = c.buffer.size();
      const size_t want = std::max(need, kReadBuffer) - have;
      c.buffer.resize(have + want);
      auto got = ReadAt(c.fd, c.file_offset + have, c.buffer.data() + have, want, "a sorted run");
      if (!got.ok()) return got.status();
      c.buffer.resize(have + *got);
      return c.buffer.size() >= need;
    };
    auto head = fill(kHeader);
    if (!head.ok()) return head.status();
    if (!*head) {
      if (c.buffer.size() != c.pos) return Status::Corruption("a sorted run ends inside a record");
      return false;
    }
    uint32_t size;
    std::memcpy(&c.time, c.buffer.data() + c.pos, 8);
    std::memcpy(&c.ordinal, c.buffer.data() + c.pos + 8, 8);
    std::memcpy(&size, c.buffer.data() + c.pos + 16, 4);
    auto body = fill(kHeader + size);
    if (!body.ok()) return body.status();
    if (!*body) return Status::Corruption("a sorted run ends inside a record");
    c.locator = (c.locator & ~kOffsetMask) | (c.file_offset + c.pos);
    c.bytes = std::string_view(c.buffer).substr(c.pos + kHeader, size);
    c.pos += kHeader + size;
    return true;
  };

  auto greater = [&](size_t a, size_t b) {
    const Cursor& x = cursors[a];
    const Cursor& y = cursors[b];
    return x.time != y.time ? x.time > y.time : x.ordinal > y.ordinal;
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(greater)> heap(greater);
  for (size_t i = 0; i < cursors.size(); ++i) {
    Cursor& c = cursors[i];
    if (i < runs_.size()) {
      c.fd = runs_[i].fd;
      c.locator = static_cast<uint64_t>(i + 1) << kLocatorShift;
    }
    auto more = advance(c);
    if (!more.ok()) return more.status();
    if (*more) heap.push(i);
  }
  while (!heap.empty()) {
    const size_t i = heap.top();
    heap.pop();
    Cursor& c = cursors[i];
    std::string_view bytes = c.bytes;
    IMPOSTOR_RETURN_IF_ERROR(DecodeSignIn(bytes, into()));
    IMPOSTOR_RETURN_IF_ERROR(decoded(c.locator));
    auto more = advance(c);
    if (!more.ok()) return more.status();
    if (*more) heap.push(i);
  }
  return Status::OK();
}

Status SignInSorter::Fetch(uint64_t locator, SignIn* out) const {
  const uint64_t run = locator >> kLocatorShift, offset = locator & kOffsetMask;
  if (run == 0) {
    // The in-memory run: records are found by their offset in the arena.
    if (offset >= arena_.size()) return Status::InvalidArgument("no sign-in at this locator");
    std::string_view bytes = std::string_view(arena_).substr(offset);
    return DecodeSignIn(bytes, out);
  }
  if (run > runs_.size()) return Status::InvalidArgument("no sign-in at this locator");
  const RunFile& r = runs_[run - 1];
  char header[kHeader];
  auto got = ReadAt(r.fd, offset, header, kHeader, "a sorted run");
  if (!got.ok()) return got.status();
  if (*got != kHeader) return Status::Corruption("a sorted run ends inside a record");
  uint32_t size;
  std::memcpy(&size, header + 16, 4);
  std::string body(size, '\0');
  got = ReadAt(r.fd, offset + kHeader, body.data(), size, "a sorted run");
  if (!got.ok()) return got.status();
  if (*got != size) return Status::Corruption("a sorted run ends inside a record");
  std::string_view bytes(body);
  return DecodeSignIn(bytes, out);
}

}  // namespace impostor
