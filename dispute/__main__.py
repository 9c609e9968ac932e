import sys

from dispute.cli import main

sys.exit(main())
