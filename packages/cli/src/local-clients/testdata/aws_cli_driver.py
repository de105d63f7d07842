"""Runs AWS CLI commands for the local-clients scenarios through the CLI's own entry point (what
/usr/bin/aws calls), one Python process for all of them: starting the CLI anew takes about a second a
command. One JSON argument list a line on stdin; one JSON answer a line on stdout: the exit code and
what the command wrote to stdout and stderr."""
import contextlib
import io
import json
import sys

import awscli.clidriver

for line in sys.stdin:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = awscli.clidriver.create_clidriver().main(json.loads(line))
        except SystemExit as exit:
            code = exit.code
    print(json.dumps({"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}), flush=True)
