/* See include/CTLS.h. The handles are OpenSSL's own SSL_CTX and SSL, cast. */
#include "CTLS.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* Writes "what: <OpenSSL's queued errors>" into error, and empties OpenSSL's error queue
 * (which is per thread and would otherwise leak into the next call's message). */
static void describe(const char *what, char *error, size_t error_size) {
    size_t used;
    unsigned long code;
    if (error == NULL || error_size == 0) { ERR_clear_error(); return; }
    snprintf(error, error_size, "%s", what);
    used = strlen(error);
    while ((code = ERR_get_error()) != 0 && used + 3 < error_size) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        snprintf(error + used, error_size - used, ": %s", text);
        used = strlen(error);
    }
    ERR_clear_error();
}

static void describe_file(const char *what, const char *path, char *error, size_t error_size) {
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s %s", what, path);
    describe(prefix, error, error_size);
}

/* The PEM password callback: an encrypted key is refused, never asked for. OpenSSL's default
 * callback prompts on /dev/tty, which would stall an operator's command and mean nothing to a
 * runtime. */
static int refuse_password(char *buffer, int size, int writing, void *data) {
    (void)buffer; (void)size; (void)writing; (void)data;
    return 0;
}

struct flatnet_tls_context *flatnet_tls_context_new(const char *cert_file, const char *key_file,
                                                    const char *ca_file, char *error, size_t error_size) {
    SSL_CTX *context;
    /* No openssl.cnf: the plugin must behave the same on every node. */
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    context = SSL_CTX_new(TLS_client_method());
    if (context == NULL) { describe("SSL_CTX_new", error, error_size); return NULL; }
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_default_passwd_cb(context, refuse_password);
    if (SSL_CTX_use_certificate_chain_file(context, cert_file) != 1) {
        describe_file("cannot load the client certificate", cert_file, error, error_size);
    } else if (SSL_CTX_use_PrivateKey_file(context, key_file, SSL_FILETYPE_PEM) != 1) {
        describe_file("cannot load the client key", key_file, error, error_size);
    } else if (SSL_CTX_check_private_key(context) != 1) {
        describe_file("the client key does not match the certificate; key", key_file, error, error_size);
    } else if (SSL_CTX_load_verify_locations(context, ca_file, NULL) != 1) {
        describe_file("cannot load the CA bundle", ca_file, error, error_size);
    } else {
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, NULL);
        return (struct flatnet_tls_context *)context;
    }
    SSL_CTX_free(context);
    return NULL;
}

void flatnet_tls_context_free(struct flatnet_tls_context *context) {
    SSL_CTX_free((SSL_CTX *)context);
}

static int is_ip_literal(const char *host) {
    unsigned char address[16];
    return inet_pton(AF_INET, host, address) == 1 || inet_pton(AF_INET6, host, address) == 1;
}

struct flatnet_tls_session *flatnet_tls_session_new(struct flatnet_tls_context *context, int fd,
                                                    const char *host, char *error, size_t error_size) {
    SSL *session = SSL_new((SSL_CTX *)context);
    X509_VERIFY_PARAM *parameters;
    int named;
    if (session == NULL) { describe("SSL_new", error, error_size); return NULL; }
    parameters = SSL_get0_param(session);
    if (is_ip_literal(host)) {
        named = X509_VERIFY_PARAM_set1_ip_asc(parameters, host);
    } else {
        named = X509_VERIFY_PARAM_set1_host(parameters, host, 0) && SSL_set_tlsext_host_name(session, host);
    }
    if (named != 1 || SSL_set_fd(session, fd) != 1) {
        describe("cannot set up the TLS session", error, error_size);
        SSL_free(session);
        return NULL;
    }
    return (struct flatnet_tls_session *)session;
}

void flatnet_tls_session_free(struct flatnet_tls_session *session) {
    SSL_free((SSL *)session);
}

/* Maps SSL_get_error's answer for a call that returned `result` <= 0. */
static int classify(SSL *session, int result, const char *what, char *error, size_t error_size) {
    int saved_errno = errno;
    switch (SSL_get_error(session, result)) {
    case SSL_ERROR_WANT_READ: return FLATNET_TLS_WANT_READ;
    case SSL_ERROR_WANT_WRITE: return FLATNET_TLS_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN:  /* close_notify: a clean end of the stream */
        describe("the server closed the TLS connection", error, error_size);
        return FLATNET_TLS_END;
    case SSL_ERROR_SYSCALL: {
        char text[128];
        snprintf(text, sizeof text, "%s: connection lost (%s)", what,
                 saved_errno != 0 ? strerror(saved_errno) : "end of stream");
        describe(text, error, error_size);
        return FLATNET_TLS_CLOSED;
    }
    default: {
        long verified = SSL_get_verify_result(session);
        /* OpenSSL 3 reports a TCP close without close_notify (a member killed with SIGKILL)
         * as an SSL error; it is the transport that broke, not TLS. */
        if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            char text[128];
            snprintf(text, sizeof text, "%s: connection lost (closed without close_notify)", what);
            describe(text, error, error_size);
            return FLATNET_TLS_CLOSED;
        }
        char text[256];
        if (verified != X509_V_OK) {
            snprintf(text, sizeof text, "%s: server certificate rejected (%s)", what,
                     X509_verify_cert_error_string(verified));
        } else {
            snprintf(text, sizeof text, "%s failed", what);
        }
        describe(text, error, error_size);
        return FLATNET_TLS_REFUSED;
    }
    }
}

int flatnet_tls_handshake(struct flatnet_tls_session *session, char *error, size_t error_size) {
    int result;
    errno = 0;
    result = SSL_connect((SSL *)session);
    if (result == 1) return 1;
    return classify((SSL *)session, result, "TLS handshake", error, error_size);
}

long flatnet_tls_read(struct flatnet_tls_session *session, void *buffer, size_t count,
                      char *error, size_t error_size) {
    size_t done = 0;
    int result;
    errno = 0;
    result = SSL_read_ex((SSL *)session, buffer, count, &done);
    if (result == 1) return (long)done;
    return classify((SSL *)session, result, "TLS read", error, error_size);
}

long flatnet_tls_write(struct flatnet_tls_session *session, const void *buffer, size_t count,
                       char *error, size_t error_size) {
    size_t done = 0;
    int result;
    errno = 0;
    result = SSL_write_ex((SSL *)session, buffer, count, &done);
    if (result == 1) return (long)done;
    return classify((SSL *)session, result, "TLS write", error, error_size);
}
