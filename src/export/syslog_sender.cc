#include "export/syslog_sender.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>

#include <csignal>
#include <cerrno>
#include <cstring>

namespace impostor {

namespace {

// PRINTUSASCII (33-126) only, at most `max` characters; "-" when empty.
std::string HeaderField(std::string_view s, size_t max) {
  std::string out;
  for (char c : s) {
    if (out.size() == max) break;
    if (c >= 33 && c <= 126) out.push_back(c);
  }
  return out.empty() ? "-" : out;
}

// SD-PARAM value: `"`, `\` and `]` are escaped (RFC 5424 6.3.3).
std::string SdValue(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\' || c == ']') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "no detail from OpenSSL";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

}  // namespace

int SyslogSeverity(Severity s) {
  switch (s) {
    case Severity::kCritical: return 2;
    case Severity::kHigh: return 3;
    case Severity::kMedium: return 4;
    case Severity::kLow: return 5;
    default: return 6;
  }
}

std::string SyslogMessage(const SyslogHeader& h, int severity, TimeMs time_ms, std::string_view msgid,
                          std::string_view msg) {
  std::string host = h.hostname;
  if (host.empty()) {
    char buf[256] = {0};
    if (gethostname(buf, sizeof buf - 1) == 0) host = buf;
  }
  const std::string procid = h.procid.empty() ? std::to_string(getpid()) : h.procid;
  const int facility = h.facility < 0 || h.facility > 23 ? 10 : h.facility;
  const int sev = severity < 0 || severity > 7 ? 6 : severity;
  std::string out = "<" + std::to_string(facility * 8 + sev) + ">1 ";
  // FormatIso8601 writes RFC 3339 UTC ("2024-03-01T09:02:00.000Z" or without ms).
  out += time_ms > 0 ? HeaderField(FormatIso8601(time_ms), 32) : "-";
  out += ' ' + HeaderField(host, 255) + ' ' + HeaderField(h.app_name, 48) + ' ' + HeaderField(procid, 128) + ' ' +
         HeaderField(msgid, 32);
  out += " [origin software=\"" + SdValue(h.app_name) + "\" swVersion=\"" + SdValue(h.sw_version) + "\"]";
  if (!msg.empty()) {
    out.push_back(' ');
    out.append(msg);
  }
  return out;
}

Result<SyslogTarget> ParseSyslogUrl(std::string_view url) {
  SyslogTarget t;
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos)
    return Status::InvalidArgument("syslog target '" + std::string(url) +
                                   "' has no scheme; write udp://host:port, tcp://host:port or tls://host:port");
  const std::string_view scheme = url.substr(0, sep);
  if (scheme == "udp") t.transport = SyslogTransport::kUdp;
  else if (scheme == "tcp") t.transport = SyslogTransport::kTcp;
  else if (scheme == "tls") t.transport = SyslogTransport::kTls, t.port = 6514;
  else
    return Status::InvalidArgument("syslog scheme '" + std::string(scheme) + "' is not udp, tcp or tls");
  std::string_view rest = url.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("syslog target '" + std::string(url) + "': unclosed [");
    t.host = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest.front() == ':') port = rest.substr(1);
    else if (!rest.empty()) return Status::InvalidArgument("syslog target '" + std::string(url) + "': expected :port after ]");
  } else {
    const size_t colon = rest.rfind(':');
    t.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
  }
  if (t.host.empty()) return Status::InvalidArgument("syslog target '" + std::string(url) + "' names no host");
  if (!port.empty()) {
    int p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || p > 65535) return Status::InvalidArgument("syslog target '" + std::string(url) + "': bad port");
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) return Status::InvalidArgument("syslog target '" + std::string(url) + "': port out of range");
    t.port = p;
  }
  return t;
}

struct SyslogSender::Tls {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~Tls() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
  }
};

Result<std::unique_ptr<SyslogSender>> SyslogSender::Open(const SyslogTarget& target) {
  std::unique_ptr<SyslogSender> s(new SyslogSender());
  s->target_ = target;
  const char* scheme = target.transport == SyslogTransport::kUdp ? "udp" : target.transport == SyslogTransport::kTcp ? "tcp" : "tls";
  const bool v6 = target.host.find(':') != std::string::npos;
  s->name_ = std::string(scheme) + "://" + (v6 ? "[" + target.host + "]" : target.host) + ":" + std::to_string(target.port);
  s->max_bytes_ = target.max_message_bytes > 0 ? target.max_message_bytes
                  : target.transport == SyslogTransport::kUdp ? 2048 : 65536;
  if (target.transport == SyslogTransport::kTls && !target.octet_counting)
    return Status::InvalidArgument(s->name_ + ": TLS syslog (RFC 5425) uses octet counting only; drop the LF framing option");

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = target.transport == SyslogTransport::kUdp ? SOCK_DGRAM : SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(target.port);
  if (int rc = getaddrinfo(target.host.c_str(), port.c_str(), &hints, &res); rc != 0)
    return Status::IOError(s->name_ + ": cannot resolve " + target.host + ": " + gai_strerror(rc) +
                           "; check the collector's host name");
  std::string last_error = "no address";
  for (addrinfo* ai = res; ai != nullptr && s->fd_ < 0; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = poll(&p, 1, target.timeout_ms);
      if (rc == 0) {
        errno = ETIMEDOUT;
        rc = -1;
      } else if (rc > 0) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        errno = err;
        rc = err == 0 ? 0 : -1;
      }
    }
    if (rc != 0) {
      last_error = std::strerror(errno);
      close(fd);
      continue;
    }
    // Blocking from here on, with timeouts, so a partial write waits at most timeout_ms.
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    timeval tv{target.timeout_ms / 1000, (target.timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    s->fd_ = fd;
  }
  freeaddrinfo(res);
  if (s->fd_ < 0)
    return Status::IOError(s->name_ + ": cannot connect: " + last_error +
                           "; check that the collector listens there and that a firewall lets the port through");

  if (target.transport == SyslogTransport::kTls) {
    std::signal(SIGPIPE, SIG_IGN);
    s->tls_ = std::make_unique<Tls>();
    Tls& t = *s->tls_;
    t.ctx = SSL_CTX_new(TLS_client_method());
    if (t.ctx == nullptr) return Status::Internal(s->name_ + ": cannot create a TLS context: " + OpenSslError());
    SSL_CTX_set_min_proto_version(t.ctx, TLS1_2_VERSION);
    if (!target.insecure) {
      SSL_CTX_set_verify(t.ctx, SSL_VERIFY_PEER, nullptr);
      const int ok = target.ca_file.empty() ? SSL_CTX_set_default_verify_paths(t.ctx)
                                            : SSL_CTX_load_verify_locations(t.ctx, target.ca_file.c_str(), nullptr);
      if (ok != 1)
        return Status::InvalidArgument(s->name_ + ": cannot load the CA file " +
                                       (target.ca_file.empty() ? "(system default)" : target.ca_file) + ": " +
                                       OpenSslError() + "; pass a PEM bundle with --ca-file");
    } else {
      SSL_CTX_set_verify(t.ctx, SSL_VERIFY_NONE, nullptr);
    }
    if (!target.cert_file.empty()) {
      if (SSL_CTX_use_certificate_chain_file(t.ctx, target.cert_file.c_str()) != 1 ||
          SSL_CTX_use_PrivateKey_file(t.ctx, (target.key_file.empty() ? target.cert_file : target.key_file).c_str(),
                                      SSL_FILETYPE_PEM) != 1)
        return Status::InvalidArgument(s->name_ + ": cannot load the client certificate " + target.cert_file + ": " +
                                       OpenSslError());
    }
    t.ssl = SSL_new(t.ctx);
    SSL_set_fd(t.ssl, s->fd_);
    in6_addr a6;
    in_addr a4;
    const bool literal = inet_pton(AF_INET, target.host.c_str(), &a4) == 1 || inet_pton(AF_INET6, target.host.c_str(), &a6) == 1;
    if (!target.insecure) {
      X509_VERIFY_PARAM* param = SSL_get0_param(t.ssl);
      if (literal) X509_VERIFY_PARAM_set1_ip_asc(param, target.host.c_str());
      else X509_VERIFY_PARAM_set1_host(param, target.host.c_str(), 0);
    }
    if (!literal) SSL_set_tlsext_host_name(t.ssl, target.host.c_str());
    if (SSL_connect(t.ssl) != 1) {
      const long vr = SSL_get_verify_result(t.ssl);
      if (vr != X509_V_OK)
        return Status::IOError(s->name_ + ": the collector's certificate does not verify: " +
                               X509_verify_cert_error_string(vr) +
                               "; pass the CA that signed it with --ca-file (or, only for a test, --tls-insecure)");
      return Status::IOError(s->name_ + ": TLS handshake failed: " + OpenSslError() +
                             "; check that the port speaks TLS (RFC 5425, usually 6514)");
    }
  }
  return s;
}

SyslogSender::~SyslogSender() { Close(); }

Status SyslogSender::Close() {
  if (fd_ < 0) return Status::OK();
  if (tls_ && tls_->ssl) SSL_shutdown(tls_->ssl);  // close_notify
  // Closing a socket with unread input (a TLS 1.3 session ticket) sends a reset,
  // and the collector then drops what it has not read yet: end our half, read
  // until the collector closes its own (at most timeout_ms), then close.
  if (target_.transport != SyslogTransport::kUdp) {
    shutdown(fd_, SHUT_WR);
    char buf[4096];
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, target_.timeout_ms) <= 0) break;
      const ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) break;
    }
  }
  tls_.reset();
  const int closed = close(fd_);
  fd_ = -1;
  return closed == 0 ? Status::OK() : Status::IOError(name_ + ": closing the connection: " + std::strerror(errno));
}

Status SyslogSender::PeerClosed() const {
  // A syslog collector never closes its half while it still takes messages: a
  // hang-up seen before the write means the next bytes would be lost.
  pollfd p{fd_, POLLRDHUP, 0};
  if (poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)))
    return Status::IOError(name_ + ": the collector closed the connection after " + std::to_string(sent_) +
                           " message(s); check its logs (message too large, TLS or rate limits) and send again");
  return Status::OK();
}

Status SyslogSender::WriteAll(std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n;
    if (tls_) {
      size_t written = 0;
      const int rc = SSL_write_ex(tls_->ssl, data.data() + done, data.size() - done, &written);
      if (rc != 1) {
        const int err = SSL_get_error(tls_->ssl, rc);
        std::string why = err == SSL_ERROR_ZERO_RETURN ? "the collector closed the TLS session"
                          : err == SSL_ERROR_SYSCALL  ? std::string(std::strerror(errno))
                                                      : OpenSslError();
        return Status::IOError(name_ + ": cannot send (" + std::to_string(done) + " of " + std::to_string(data.size()) +
                               " bytes of message " + std::to_string(sent_ + 1) + " written): " + why +
                               "; check that the collector is up and send again");
      }
      n = static_cast<ssize_t>(written);
    } else {
      n = send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int e = errno;
        std::string why = e == EAGAIN || e == EWOULDBLOCK ? "timed out: the collector does not read"
                          : e == ECONNREFUSED           ? "connection refused: nothing listens there"
                          : e == EPIPE || e == ECONNRESET ? "the collector closed the connection"
                          : e == EMSGSIZE               ? "message too large for a datagram; lower --max-bytes"
                                                        : std::strerror(e);
        return Status::IOError(name_ + ": cannot send (" + std::to_string(done) + " of " + std::to_string(data.size()) +
                               " bytes of message " + std::to_string(sent_ + 1) + " written): " + why +
                               "; check the collector and send again");
      }
      if (target_.transport == SyslogTransport::kUdp && static_cast<size_t>(n) != data.size())
        return Status::IOError(name_ + ": datagram cut short; lower --max-bytes");
    }
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status SyslogSender::Send(std::string_view message) {
  if (fd_ < 0) return Status::InvalidArgument(name_ + ": send after close");
  if (message.size() > max_bytes_)
    return Status::InvalidArgument(name_ + ": message of " + std::to_string(message.size()) + " bytes exceeds the " +
                                   std::to_string(max_bytes_) + "-byte limit; raise --max-bytes or shorten the message");
  if (target_.transport != SyslogTransport::kUdp) {
    if (Status st = PeerClosed(); !st.ok()) return st;
  }
  frame_.clear();
  if (target_.transport == SyslogTransport::kUdp) {
    frame_.assign(message);
  } else if (target_.octet_counting) {
    frame_ = std::to_string(message.size());
    frame_.push_back(' ');
    frame_.append(message);
  } else {
    frame_.assign(message);
    for (char& c : frame_)
      if (c == '\n') c = ' ';
    frame_.push_back('\n');
  }
  Status st = WriteAll(frame_);
  if (st.ok()) ++sent_;
  return st;
}

}  // namespace impostor
