from mentor_desk.cli import main

raise SystemExit(main())
