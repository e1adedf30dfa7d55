from bench.redaction.corpus import main

main()
