package cn.tongban.plugins.datasharing.exchange;

/** {@code gongan-population} from the provincial exchange: 公安 人口库 (户籍、姓名、住址). */
public final class PopulationAdapter extends ExchangeAdapter {
  public PopulationAdapter() {
    super("exchange-gongan-population", "gongan-population", "population");
  }
}
