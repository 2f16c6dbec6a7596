/* TLS client sessions over OpenSSL (Debian's libssl, linked statically into the plugin),
 * for the etcd client (FlatnetSystem/Etcd). OpenSSL's types stay behind this header: Swift
 * sees two opaque handles and integer results. Every call works on a non-blocking socket:
 * a call that would block returns FLATNET_TLS_WANT_READ or _WANT_WRITE and the caller
 * polls the socket and calls again, so the caller's deadline bounds every step.
 * OpenSSL writes with write(2), not send(MSG_NOSIGNAL): a process using this must ignore
 * SIGPIPE (flatnet's main.swift does; so does the test runner through ProcessRunner), or a
 * write to a connection the server reset would kill it. */
#ifndef FLATNET_CTLS_H
#define FLATNET_CTLS_H

#include <stddef.h>

struct flatnet_tls_context;
struct flatnet_tls_session;

/* Results of the session calls below (a read or write that moved data returns the byte
 * count, which is positive). */
#define FLATNET_TLS_WANT_READ (-2)   /* poll the socket for POLLIN, then call again */
#define FLATNET_TLS_WANT_WRITE (-3)  /* poll the socket for POLLOUT, then call again */
#define FLATNET_TLS_CLOSED (-4)      /* reset, or closed without close_notify: transport broke */
#define FLATNET_TLS_REFUSED (-5)     /* TLS itself failed: certificate check, alert, protocol */
#define FLATNET_TLS_END (-6)         /* the peer ended the stream cleanly (close_notify) */

/* A client context: SSL_CTX_new(TLS_client_method()), TLS 1.2 at least, the client
 * certificate chain and key (SSL_CTX_use_certificate_chain_file, SSL_CTX_use_PrivateKey_file,
 * SSL_CTX_check_private_key) and the CA bundle the server must chain to
 * (SSL_CTX_load_verify_locations, SSL_VERIFY_PEER). OpenSSL's configuration file is not
 * read. Returns NULL with a message naming the file in `error` when one does not load. */
struct flatnet_tls_context *flatnet_tls_context_new(const char *cert_file, const char *key_file,
                                                    const char *ca_file, char *error, size_t error_size);
void flatnet_tls_context_free(struct flatnet_tls_context *context);

/* A session on the connected socket `fd` (SSL_new + SSL_set_fd) that checks the server's
 * certificate names `host`: an IP address literal is matched against the IP SANs
 * (X509_VERIFY_PARAM_set1_ip_asc), anything else against the DNS names
 * (X509_VERIFY_PARAM_set1_host, also sent as SNI). NULL with a message on failure. The
 * session does not own fd. */
struct flatnet_tls_session *flatnet_tls_session_new(struct flatnet_tls_context *context, int fd,
                                                    const char *host, char *error, size_t error_size);
void flatnet_tls_session_free(struct flatnet_tls_session *session);

/* SSL_connect: 1 when the handshake is done, else a FLATNET_TLS_* result (with a message in
 * `error` for CLOSED and REFUSED; a failed certificate check says why). */
int flatnet_tls_handshake(struct flatnet_tls_session *session, char *error, size_t error_size);

/* SSL_read / SSL_write: the byte count (> 0), else a FLATNET_TLS_* result. */
long flatnet_tls_read(struct flatnet_tls_session *session, void *buffer, size_t count,
                      char *error, size_t error_size);
long flatnet_tls_write(struct flatnet_tls_session *session, const void *buffer, size_t count,
                       char *error, size_t error_size);

#endif
