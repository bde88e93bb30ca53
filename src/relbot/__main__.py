from relbot.cli import main

raise SystemExit(main())
