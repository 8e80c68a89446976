// Status and Result<T>: errors as values across module boundaries.
//
// A Status is OK or carries a code and a message that says what went wrong and,
// where it can, what to do next. Result<T> holds either a T or a non-OK Status.
// Neither throws. Both are cheap to move; an OK Status owns no heap memory.
//
// Thread safety: values; distinct objects may be used from distinct threads.
#ifndef IMPOSTOR_COMMON_STATUS_H_
#define IMPOSTOR_COMMON_STATUS_H_

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace impostor {

class Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kInvalidArgument,  // the caller (user, config, command line) asked for something wrong
    kNotFound,         // a file, key or record does not exist
    kCorruption,       // a database, config or input file is damaged
    kIOError,          // the operating system refused (open, read, write)
    kUnsupported,      // a format or feature impostor does not handle
    kInternal,         // a bug in impostor
    kBusy,             // another writer holds the store; the same call may succeed later
    kConflict,         // a concurrent change won (a stale version); re-read and retry
  };

  Status() = default;  // OK
  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string_view msg) { return Status(Code::kInvalidArgument, msg); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  static Status Unsupported(std::string_view msg) { return Status(Code::kUnsupported, msg); }
  static Status Internal(std::string_view msg) { return Status(Code::kInternal, msg); }
  static Status Busy(std::string_view msg) { return Status(Code::kBusy, msg); }
  static Status Conflict(std::string_view msg) { return Status(Code::kConflict, msg); }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  const std::string& message() const {
    static const std::string kEmpty;
    return state_ ? state_->message : kEmpty;
  }
  // "Corruption: <message>", or "OK".
  std::string ToString() const;
  // Prefixes the message with context ("reading foo.json: ...").
  Status WithContext(std::string_view context) const;

  Status(const Status& other)
      : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

 private:
  struct State {
    Code code;
    std::string message;
  };
  Status(Code code, std::string_view msg)
      : state_(std::make_unique<State>(State{code, std::string(msg)})) {}
  // nullptr means OK, so the common case is one pointer and no allocation.
  std::unique_ptr<State> state_;
};

// Either a value or an error. Access the value only after checking ok().
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "Result built from an OK Status has no value");
    if (status_.ok()) status_ = Status::Internal("Result constructed from OK status without value");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace impostor

// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define IMPOSTOR_RETURN_IF_ERROR(expr)              \
  do {                                              \
    ::impostor::Status _st = (expr);                \
    if (!_st.ok()) return _st;                      \
  } while (0)

// Declares or assigns `lhs` from the value of the Result `expr`, or returns its
// Status from the enclosing function (which returns a Status or any Result<U>):
//
//   IMPOSTOR_ASSIGN_OR_RETURN(auto source, InputSource::Open(path));
//   IMPOSTOR_ASSIGN_OR_RETURN(config.detectors, DetectorConfig::FromYaml(node, file));
//
// One statement, not an expression: it expands to a declaration of a hidden
// Result followed by the assignment, so it cannot be the body of an unbraced if.
// The value is moved out of the Result.
#define IMPOSTOR_ASSIGN_OR_RETURN(lhs, expr) \
  IMPOSTOR_ASSIGN_OR_RETURN_IMPL_(IMPOSTOR_STATUS_CONCAT_(impostor_result_, __LINE__), lhs, expr, )

// The same, with `context` (a string, evaluated only on failure) put in front of
// the message: IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(auto rows, ReadRows(path), path)
// returns "<path>: <message>".
#define IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(lhs, expr, context) \
  IMPOSTOR_ASSIGN_OR_RETURN_IMPL_(IMPOSTOR_STATUS_CONCAT_(impostor_result_, __LINE__), lhs, expr, .WithContext(context))

#define IMPOSTOR_STATUS_CONCAT_INNER_(a, b) a##b
#define IMPOSTOR_STATUS_CONCAT_(a, b) IMPOSTOR_STATUS_CONCAT_INNER_(a, b)
#define IMPOSTOR_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr, with_context) \
  auto result = (expr);                                                  \
  if (!result.ok()) return result.status() with_context;                 \
  lhs = std::move(result).value()

#endif  // IMPOSTOR_COMMON_STATUS_H_
