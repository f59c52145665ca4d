"""``python -m chuangcheng`` is the ``chuangcheng`` command."""

from chuangcheng.cli.main import main

raise SystemExit(main())
