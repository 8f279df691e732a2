from lesson.cli import main

main()
