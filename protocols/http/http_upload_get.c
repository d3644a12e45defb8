/* Serving uploaded files: GET and HEAD /upload/<id>/<name>. The bytes are
 * read on the worker while the response is held. Nothing a browser could
 * run: types outside core/files' allow list go out as
 * application/octet-stream with Content-Disposition: attachment, every
 * file with Content-Security-Policy: sandbox (in place of the core's
 * default policy) and the core's X-Content-Type-Options: nosniff.
 * No Range support: files are at most [upload] max_size. */
#include "http_upload.h"

#include <stdio.h>
#include <string.h>

typedef struct get_job_s {
  reed_http_res_t *res;
  reed_files_meta_t m;
} get_job_t;

static void
send_file(get_job_t *j, reed_buf_t *data)
{
  char type[REED_FILES_TYPE_MAX + 32], disp[REED_FILES_NAME_MAX * 4 + 64];
  bool inline_;

  reed_files_served_type(j->m.type, &inline_, type, sizeof(type));
  reed_files_disposition(j->m.name, inline_, disp, sizeof(disp));
  if (reed__http_upload_cors(j->res) != 0 ||
      reed_http_res_header(j->res, "Content-Disposition", disp) != 0 ||
      reed_http_res_header(j->res, "Content-Security-Policy", "sandbox") != 0 ||
      reed_http_res_header(j->res, "Cache-Control", "private, max-age=3600") !=
          0) {
    reed_http_error(j->res, 500, "out of memory");
    return;
  }
  reed_http_respond(j->res, 200, type, data);
}

static void
on_read(void *ud, int status, reed_buf_t *data)
{
  get_job_t *j = ud;

  if (status == 0)
    send_file(j, data);
  else
    reed_http_error(j->res, 404, "not found");
  reed_buf_unref(data);
  reed_http_release(j->res);
  reed_free(j);
}

int
reed__http_upload_get(const reed_http_req_t *req, reed_http_res_t *res)
{
  char id[REED_FILES_ID_LEN + 1], name[REED_FILES_NAME_MAX + 1];
  reed_files_t *f;
  get_job_t *j;
  int rc;

  if (reed__http_upload_conf(req->env) == NULL ||
      reed__http_upload_path(req->path, id, name) != 0)
    return reed_http_error(res, 404, "not found");
  if ((f = reed__http_upload_files(req->env)) == NULL)
    return reed_http_error(res, 503, "uploads are unavailable");
  if ((j = reed_calloc(1, sizeof(*j))) == NULL) {
    reed_files_close(f);
    return REED_ENOMEM;
  }
  rc = reed_files_get(f, id, reed__http_upload_now(req->env), &j->m);
  if (rc != 0 || strcmp(name, j->m.name) != 0) {
    reed_files_close(f);
    reed_free(j);
    return reed_http_error(res, 404, "not found");
  }
  j->res = reed_http_hold(res);
  rc = reed_files_read(f, req->env->worker, id, j->m.size, on_read, j);
  reed_files_close(f);
  if (rc != 0) {
    reed_http_error(j->res, 500, "out of memory");
    reed_http_release(j->res);
    reed_free(j);
  }
  return 0;
}
