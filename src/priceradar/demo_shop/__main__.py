"""`python -m priceradar.demo_shop --port 8099 --padding 60000 --period 30`."""

from priceradar.demo_shop.server import main

if __name__ == "__main__":
    main()
