from priceradar.cli import main

main()
