/* File upload routes (http_upload.c, http_upload_get.c) on core/files'
 * store: XEP-0363 PUTs to slots the XMPP module handed out,
 * soju.im/FILEHOST POSTs checked against the account's password, and
 * the files served back. Rows in http_routes.c. */
#ifndef REED_HTTP_UPLOAD_H
#define REED_HTTP_UPLOAD_H

#include "files.h"
#include "http_route.h"

/* [upload] max_size while uploads are enabled, else 0: the route's
 * max_body. */
size_t reed__http_upload_max_body(const reed_proto_env_t *env);
/* PUT /upload/<id>/<name>?token=<hex>: XEP-0363. */
int reed__http_upload_put(const reed_http_req_t *req, reed_http_res_t *res);
/* POST /upload: soju.im/FILEHOST, with HTTP Basic credentials. */
int reed__http_upload_post(const reed_http_req_t *req, reed_http_res_t *res);
/* OPTIONS /upload: what the FILEHOST URL takes. */
int reed__http_upload_options(const reed_http_req_t *req, reed_http_res_t *res);
/* GET and HEAD /upload/<id>/<name>. */
int reed__http_upload_get(const reed_http_req_t *req, reed_http_res_t *res);
/* OPTIONS /upload/...: the CORS preflight of a PUT from a web client
 * served elsewhere (Converse.js on its own origin). */
int reed__http_upload_preflight(const reed_http_req_t *req,
                                reed_http_res_t *res);
/* Access-Control-Allow-Origin: * on a PUT's or GET's answer: the URL's
 * token (or id) is the whole authority, no cookie is ever read, so any
 * origin may use it, as Prosody's mod_http_file_share allows. */
int reed__http_upload_cors(reed_http_res_t *res);

/* ---- Shared by the two files ---- */
/* The [upload] section, or NULL while uploads are off. */
const reed_upload_conf_t *reed__http_upload_conf(const reed_proto_env_t *env);
/* A file store handle for this request (closed by the caller); NULL when
 * it cannot open (logged). */
reed_files_t *reed__http_upload_files(const reed_proto_env_t *env);
/* Splits "/upload/<id>/<name>" into id (32 hex digits) and the decoded
 * name. 0 or REED_ENOTFOUND. */
int reed__http_upload_path(const char *path, char id[REED_FILES_ID_LEN + 1],
                           char name[REED_FILES_NAME_MAX + 1]);
/* Wall-clock milliseconds. */
uint64_t reed__http_upload_now(const reed_proto_env_t *env);

#endif
